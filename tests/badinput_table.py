"""Print the bad-input sweep as a table per dataset (for the issue note): ``python tests/badinput_table.py``.

Every dataset of the catalogue gets one good import into its own temporary data folder, then each
bad file of :func:`badfiles.bad_cases`; ``-v`` lists every message.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from badfiles import Result, bad_cases, good_imports, other_file, parses, run_case, table  # noqa: E402

REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real-data"


def sweep(root: Path, only: list[str] | None = None) -> tuple[list[Result], dict[str, str]]:
    """Run the sweep in ``root``; the results, and the datasets skipped with the reason."""
    from lichtenberg_data import catalog
    from lichtenberg_data import settings as s

    data_dir = root / "data"
    s.set(data_dir=data_dir)
    goods, skipped = good_imports(root / "good", REAL_DATA if REAL_DATA.is_dir() else None)
    results = []
    for ds in catalog.datasets():
        if (only and ds.id not in only) or ds.id in skipped:
            continue
        probe = parses(ds, goods[ds.id], root / "bad" / ds.id)
        for case in bad_cases(ds, goods[ds.id], other_file(ds, goods), probe):
            results.append(run_case(data_dir, ds, case, root / "bad" / ds.id))
    return results, skipped


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    only = [a for a in argv if not a.startswith("-")]
    start = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="badinput-"))
    try:
        results, skipped = sweep(root, only)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(table(results))
    for ds, why in skipped.items():
        print(f"skipped {ds}: {why}")
    print(f"\n{len(results)} bad files in {time.perf_counter() - start:.1f} s")
    for r in results:
        if verbose or not r.ok:
            flag = "ok " if r.ok else "BAD"
            print(f"{flag} {r.dataset} {r.case.kind} ({r.case.note or r.case.name}) {r.seconds:.2f}s: {r.message}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
