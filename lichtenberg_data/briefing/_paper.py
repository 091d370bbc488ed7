"""What the notebooks of a build handed over, bound into the paper (:mod:`.bind`), and what the
manifest records of it: :func:`collect` reads each notebook's ``briefing.json`` (and copies its
chart files beside the PDF), :func:`bound` binds the paper from it – or only lays it out, while the
last notebooks run – and :func:`manifest_of` is ``briefing-manifest.json``. Used by
:func:`lichtenberg_data.briefing.pack.run`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .collect import COLLECT_FILE, SECTIONS

__all__ = ["collect", "bound", "manifest_of"]


def _dataset_key(d: dict[str, Any]) -> tuple:
    return (d.get("dataset") or d.get("title") or d.get("source_title"), d.get("reference_date"),
            d.get("retrieved_at"))


def _headings(executed: Path) -> dict[int, str]:
    """Execution count of each code cell → the last markdown heading above it."""
    if not executed.exists():
        return {}
    out, heading = {}, ""
    for cell in json.loads(executed.read_text(encoding="utf-8")).get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            for line in source.splitlines():
                if line.startswith("#"):
                    heading = line.lstrip("# ").strip()
        elif cell.get("execution_count") is not None:
            out[cell["execution_count"]] = heading
    return out


def collect(stems: list[str], collect_root: Path, charts_dir: Path, copy: bool = True
             ) -> tuple[list[dict], list[dict], list[dict], list[dict], list[Path]]:
    """Read every notebook's briefing.json; copy the chart files to ``charts_dir`` (with
    ``copy=False`` the entries point to them where the notebook wrote them)."""
    charts, figures, missing, files = [], [], [], []
    used: set[str] = set()
    for stem in stems:
        folder = collect_root / stem
        path = folder / COLLECT_FILE
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("charts", []):
            name = entry["name"] if entry["name"] not in used else f"{stem}-{entry['name']}"
            used.add(name)
            original = entry["name"]
            entry = {**entry, "notebook": stem, "name": name}
            if not copy:
                entry["png_path"] = str(folder / entry["files"]["png"]) if "png" in entry["files"] else None
                charts.append(entry)
                continue
            copied = {}
            for kind, fname in entry["files"].items():
                suffix = fname[len(original):] if fname.startswith(original) else f".{kind}"
                target = charts_dir / f"{name}{suffix}"  # name.png, name.data.parquet, ...
                shutil.copyfile(folder / fname, target)
                files.append(target)
                copied[kind] = target.name
            entry["files"] = copied
            entry["png_path"] = str(charts_dir / f"{name}.png")
            charts.append(entry)
        for entry in data.get("key_figures", []):
            figures.append({**entry, "notebook": stem})
        sections = [e["section"] for e in data.get("charts", []) + data.get("key_figures", [])]
        headings = _headings(folder / f"{stem}.executed.ipynb")
        for entry in data.get("missing", []):
            section = entry.get("section") or (max(set(sections), key=sections.count) if sections else "ueberblick")
            missing.append({**entry, "notebook": stem, "section": section,
                            "heading": headings.get(entry.get("order"), "")})
    datasets: dict[tuple, dict[str, Any]] = {}
    for entry in [*charts, *figures]:
        for d in entry.get("datasets", []):
            item = datasets.setdefault(_dataset_key(d), {**d, "sections": []})
            if entry["section"] not in item["sections"]:
                item["sections"].append(entry["section"])
    for item in datasets.values():
        item["sections"].sort(key=list(SECTIONS).index)
    return charts, figures, missing, list(datasets.values()), files


def bound(done: list[Path], paper: dict[str, Any], *, draw: bool = True, seconds: dict[str, float] | None = None,
           stop: Callable[[], bool] | None = None,
           meanwhile: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """The paper bound from what the notebooks ``done`` handed over (``paper``: the build's PDF,
    year, district, office texts, targets, comparison, author and folders): what :func:`collect`
    and :func:`~lichtenberg_data.briefing.bind.bind` return, with the notebooks' entries.

    ``draw=False`` lays the paper out only and leaves the chart files where the notebooks wrote
    them: the build does this while its last notebooks run, so that the texts measured then
    need no measuring after them (the layout of the real snapshot's paper 0.7 s → 0.06 s). It
    stops, raising :class:`~lichtenberg_data.briefing.pdf.LayoutStoppedError`, between two parts of the
    paper once ``stop()`` is true (the last notebook ended: the build goes on at once).
    ``meanwhile`` gets the same (its ``pages`` empty) while the pages are drawn.
    """
    from .bind import bind

    charts, figures, missing_data, datasets, files = collect(
        [p.stem for p in done], paper["collect_root"], paper["charts_dir"], copy=draw)
    notebooks = [{"file": p.name, "html": f"{p.stem}.html", "seconds": round((seconds or {}).get(p.name, 0.0), 2),
                  "charts": sum(c["notebook"] == p.stem for c in charts),
                  "key_figures": sum(f["notebook"] == p.stem for f in figures)} for p in done]
    sample = any(d.get("sample") for d in datasets) or any(e.get("sample") for e in [*charts, *figures])
    other_sources = sorted({e["source"] for e in [*charts, *figures] if e.get("source") and not e.get("datasets")})
    collected = {"charts": charts, "figures": figures, "missing_data": missing_data, "datasets": datasets,
                 "files": files, "notebooks": notebooks, "sample": sample}
    bound = bind(paper["pdf"], year=paper["year"], district=paper["district"], charts=charts, figures=figures,
                 datasets=datasets, notebooks=notebooks, sample=sample, other_sources=other_sources,
                 missing_data=missing_data, office_texts=paper["office_texts"], targets=paper["targets"],
                 given=paper["given"], author=paper["author"], draw=draw, stop=stop,
                 meanwhile=(lambda record: meanwhile({**record, **collected})) if meanwhile else None)
    return {**bound, **collected}


def manifest_of(bound: dict[str, Any], paper: dict[str, Any], html: list[Path]) -> dict[str, Any]:
    """What ``briefing-manifest.json`` records of the paper ``bound`` (see :func:`bound`)."""
    out, pdf, workbook = paper["out"], paper["pdf"], paper["workbook"]
    return {
        "title": f"Klausur-Briefing {paper['year']} – Bezirk {paper['district']}", "year": paper["year"],
        "district": paper["district"], "built_at": paper["built_at"],
        "pdf": pdf.name, "notebooks": bound["notebooks"], "sections": bound["present"],
        "missing_sections": bound["missing"], "sample": bound["sample"],
        "charts": [{k: v for k, v in c.items() if not k.startswith("_") and k != "png_path"} for c in bound["charts"]],
        "key_figures": bound["figures"], "datasets": bound["datasets"], "missing_data": bound["missing_data"],
        "comparison": bound["comparison"], "summary": bound["summary"], "kernaussagen": bound["kernaussagen"],
        "findings": bound["findings"], "goals": bound["goals"],
        "author": paper["author"], "workbook": workbook.name, "pages": bound["pages"],
        "outputs": sorted(str(p.relative_to(out)) for p in [pdf, workbook, *html, *bound["files"]]),
    }
