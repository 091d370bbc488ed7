"""The notebooks as committed: thin, clean, parameterised, using only the catalogue and the
briefing contract. (They are executed in tests/test_demo.py, once per suite.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lichtenberg_data import catalog
from lichtenberg_data.briefing import SECTIONS

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_one_notebook_per_goal_and_the_overview():
    assert [p.name for p in NOTEBOOKS] == ["00_ueberblick.ipynb", "10_fachkraefte.ipynb", "20_einzelhandel.ipynb",
                                           "30_gewerbe.ipynb", "40_tourismus.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_clean_and_uses_the_catalogue(path):
    nb = json.loads(path.read_text(encoding="utf-8"))  # plain JSON: nbformat's schema check costs 5 s to import
    assert nb["nbformat"] == 4
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    texts = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in code]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert "YEAR = 2026" in texts[0] and 'DISTRICT = "Lichtenberg"' in texts[0]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    source = "\n".join(texts)
    used = set(re.findall(r'ld\.load\("(\w+)"\)', source))
    assert used and used <= set(catalog.ids())
    sections = set(re.findall(r'SECTION = "(\w+)"', source))
    assert len(sections) == 1 and sections <= set(SECTIONS)
    assert "briefing.mark_chart(" in source and "briefing.key_figure(" in source
    assert "latest_pair" not in source or "briefing.latest_pair(" in source


def _end(node) -> tuple[int, int]:
    return node.end_lineno, node.end_col_offset


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads before binding them), in the order Python runs it.

    A name counts as bound where its value exists: an assignment's, a loop's or a ``with``'s
    target after the value, a comprehension's variable before its element, an import, a ``def``, a
    parameter, an ``except … as`` or ``case`` name where they stand; ``x += 1`` and ``del x`` read
    ``x``, ``x: int`` binds nothing. Reads inside functions, lambdas and default values count (a
    lambda that uses a table of another cell fails without it). Magics and shell lines (``%``,
    ``!``) are left out. Static, hence on the safe side but not exact: a name bound only on a branch
    not taken counts as bound, and a comprehension's or parameter's name as a name of the cell.
    """
    import ast

    code = "\n".join("" if line.lstrip()[:1] in ("%", "!") else line for line in source.splitlines())
    tree = ast.parse(code)
    at: dict[int, tuple[int, int]] = {}  # id(Name) → where its binding takes effect
    bare: set[int] = set()  # the targets of annotations without a value: no binding
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and node.value is None:
            bare.add(id(node.target))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                at.update({id(n): _end(node.value) for n in ast.walk(target)})
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            at.update({id(n): _end(node.iter) for n in ast.walk(node.target)})
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in (i for i in node.items if i.optional_vars is not None):
                at.update({id(n): _end(item.context_expr) for n in ast.walk(item.optional_vars)})
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            for gen in node.generators:
                at.update({id(n): (node.lineno, node.col_offset) for n in ast.walk(gen.target)})
    events: list[tuple[tuple[int, int], int, str]] = []  # (where, 0 = read / 1 = bind, name)
    for node in ast.walk(tree):
        where = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        if isinstance(node, ast.Name) and id(node) not in bare:
            if isinstance(node.ctx, (ast.Load, ast.Del)):
                events.append((where, 0, node.id))
            else:
                events.append((at.get(id(node), where), 1, node.id))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            events.append((where, 0, node.target.id))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            events += [(where, 1, a.asname or a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.arg):
            events.append((where, 1, node.arg))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler,
                               ast.MatchAs, ast.MatchStar)) and node.name:
            events.append((where, 1, node.name))
        elif isinstance(node, ast.MatchMapping) and node.rest:
            events.append((where, 1, node.rest))
    bound: set[str] = set()
    read_first: set[str] = set()
    for _, kind, name in sorted(events):
        if kind == 1:
            bound.add(name)
        elif name not in bound:
            read_first.add(name)
    return bound, read_first


def test_names_follow_the_order_python_runs_a_cell():
    assert _names("x = x + 1") == ({"x"}, {"x"})
    assert _names("print(karte)\nkarte = 1") == ({"karte"}, {"print", "karte"})
    assert _names("jahr += 1") == ({"jahr"}, {"jahr"})
    assert _names("del bau") == (set(), {"bau"})
    assert _names("x: int\nprint(x)") == (set(), {"int", "print", "x"})
    assert _names("f = lambda x: x + 1\ndef g(y):\n    return y\n[z for z in range(3)]") == (
        {"f", "g", "x", "y", "z"}, {"range"})
    # reads inside a lambda, a function and a default value come from outside the cell
    assert _names("anteil = lambda r: r / gesamt") == ({"anteil", "r"}, {"gesamt"})
    assert _names("def f(r=jahr):\n    return r + basis") == ({"f", "r"}, {"jahr", "basis"})
    assert _names("try:\n    pass\nexcept ValueError as e:\n    print(e)") == ({"e"}, {"ValueError", "print"})
    assert _names("match wert:\n    case [erster, *rest]:\n        print(erster, rest)") == (
        {"erster", "rest"}, {"wert", "print"})
    assert _names("%matplotlib inline\n!ls\nwith open(p) as f:\n    t = f.read()") == ({"f", "t"}, {"open", "p"})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_missing_dataset_leaves_out_its_own_cell_only(path):
    """After the set-up cells (parameters, imports, SECTION) each cell computes what it draws: a
    cell stopped by a missing dataset (a box in the PDF) leaves no name undefined for a later one.
    (Notebook 30 reused the backlog of the cell before it: without `baufertigstellungen` the
    build stopped with a NameError instead of drawing the box.)"""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]
    setup = next(i for i, source in enumerate(code) if re.search(r'^SECTION = "', source, re.M))
    defined: dict[str, int] = {}
    borrowed = []
    for number, source in enumerate(code[setup + 1:], start=setup + 2):
        bound, read_first = _names(source)
        borrowed += [f"code cell {number} reads {name!r} of code cell {defined[name]}"
                     for name in sorted(read_first) if name in defined]
        defined.update(dict.fromkeys(bound, number))
    assert borrowed == []
