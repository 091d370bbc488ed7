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


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads) at any depth of its code (magics left out)."""
    import ast

    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%")))
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
              for a in n.names}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return bound, read


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
        bound, read = _names(source)
        borrowed += [f"code cell {number} reads {name!r} of code cell {defined[name]}"
                     for name in sorted(read - bound) if name in defined]
        defined.update(dict.fromkeys(bound, number))
    assert borrowed == []
