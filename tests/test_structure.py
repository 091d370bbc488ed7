"""The house: no import cycles (imports inside functions count) in the package or in ``bench/``,
and the README's layout names every module of the package, one line each."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lichtenberg_data"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports, anywhere in the file (functions included)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else (node.module or "")
            targets = [f"{base}.{a.name}" for a in node.names] + ([base] if node.module else [])
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            # importing a package's own parent for its submodules is no dependency on the parent
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert sum(map(len, graph.values())) > 100  # the walk sees the imports
    assert _cycles(graph) == []


def _bench_graph() -> dict[str, set[str]]:
    """The imports among the modules of ``bench/`` (a folder on ``sys.path``, not a package:
    ``import _rows`` names ``bench/_rows.py``), functions included."""
    files = {p.stem: p for p in (ROOT / "bench").glob("*.py")}
    graph = {}
    for name, path in files.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
        graph[name] = {m for m in found if m in files and m != name}
    return graph


def test_no_import_cycles_in_bench():
    graph = _bench_graph()
    assert {"_common", "_harness"} <= graph["_rows"] and "_common" in graph["_rows_retail"]  # the walk sees them
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_plumbing_never_imports_a_topic():
    modules = _modules()
    topics = {"lichtenberg_data." + t for t in ("workforce", "land", "retail", "tourism", "business",
                                                "charts", "briefing")}
    for name, path in modules.items():
        if name.rsplit(".", 1)[-1].startswith("_") and name.count(".") == 1:
            used = {m for m in _imports(name, path, modules) if any(m == t or m.startswith(t + ".") for t in topics)}
            assert not used, (name, used)


def test_readme_layout_names_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Project layout"):readme.index("## Development")]
    named = set(re.findall(r"^  ([\w/]+\.py) ", layout, flags=re.M))
    files = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    assert not files - named, f"modules missing from the README's layout: {sorted(files - named)}"
    assert not named - files, f"the README's layout names modules that do not exist: {sorted(named - files)}"
