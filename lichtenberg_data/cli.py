"""The command line: ``lichtenberg-data list|info|refresh|import|rebuild|status|doctor|reset|demo|demo-mirror|briefing|kennzahlen|expose|vorhaben``.

Exit codes: 0 success; 1 a dataset failed (its last good data kept), an endpoint failed the
doctor's check, another run holds the lock, or a briefing could not be built; 2 usage errors
(an unknown dataset, district or setting); 3 a bug in lichtenberg_data (the message says so;
``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ._errors import LichtenbergDataError, SettingsError, UnknownDatasetError, UnknownDistrictError

log = logging.getLogger("lichtenberg_data")


def _setup_logging(log_file: bool) -> None:
    from .settings import settings

    log.setLevel(logging.INFO)
    log.handlers.clear()
    if not sys.stderr.isatty():  # cron: plain log lines on stderr
        err = logging.StreamHandler(sys.stderr)
        err.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        log.addHandler(err)
    if log_file:
        folder = settings.data_dir / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        fh = logging.FileHandler(folder / "refresh.log", encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(fh)


def _print_table(rows: list[dict], columns: Sequence[str]) -> None:
    widths = {c: max([len(c), *(len(str(r.get(c, "") if r.get(c) is not None else "")) for r in rows)]) for c in columns}
    widths = {c: min(w, 60) for c, w in widths.items()}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for r in rows:
        cells = []
        for c in columns:
            text = "" if r.get(c) is None else str(r.get(c))
            cells.append((text[: widths[c] - 1] + "…" if len(text) > widths[c] else text).ljust(widths[c]))
        print("  ".join(cells).rstrip())


def cmd_info(args: argparse.Namespace) -> int:
    from . import catalog

    for i, dataset_id in enumerate(args.ids):
        print(("\n" if i else "") + catalog.get(dataset_id).how_to_import())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from . import catalog

    if getattr(args, "ids", None):
        return cmd_info(args)
    if args.json:
        print(json.dumps([d.summary() for d in catalog.datasets()], ensure_ascii=False, indent=2))
        return 0
    rows = catalog.table().to_dict("records")
    _print_table(rows, ["id", "title", "publisher", "license", "spatial_unit", "update"])
    return 0


def _summary(outcomes) -> None:
    rows = [{"dataset": o.dataset, "state": o.state, "rows": o.rows, "reason": o.reason} for o in outcomes]
    print()
    _print_table(rows, ["dataset", "state", "rows"])
    for o in outcomes:
        if o.reason:  # each line names its dataset (a failure's message already starts with it)
            reason = o.reason if o.reason.startswith(f"{o.dataset}:") else f"{o.dataset}: {o.reason}"
            print(f"{o.state}: {reason}")
    _kept_lines(outcomes)


def _kept_lines(outcomes) -> None:
    """Per new file: the rows it gave and what it left out and why (one line each)."""
    for o in outcomes:
        for tally in o.files:
            print(f"  {o.dataset}: {tally.line()}")


def cmd_refresh(args: argparse.Namespace) -> int:
    from . import catalog
    from ._refresh import refresh

    for i in args.ids:
        catalog.get(i)  # unknown id: usage error before anything is touched
    outcomes = refresh(args.ids or None, force=args.force, mirror=args.mirror,
                       accept_fewer_rows=args.accept_fewer_rows)
    _summary(outcomes)
    return 1 if any(o.failed for o in outcomes) else 0


def cmd_import(args: argparse.Namespace) -> int:
    from . import catalog
    from ._import import import_file

    catalog.get(args.dataset)
    options = {"business_type_swapped": args.business_type_swapped}
    outcome = import_file(args.dataset, args.files, stand=args.stand, options=options,
                          accept_fewer_rows=args.accept_fewer_rows)
    month = f" (month {args.stand})" if args.stand else ""
    print(f"{args.dataset}: imported {len(args.files)} file(s){month}; {outcome.rows} rows in the processed table")
    _kept_lines([outcome])
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from . import catalog
    from ._refresh import rebuild

    for i in args.ids:
        catalog.get(i)
    outcomes = rebuild(args.ids or None)
    _summary(outcomes)
    return 1 if any(o.failed for o in outcomes) else 0


def cmd_status(args: argparse.Namespace) -> int:
    from ._store import status

    df = status()
    if args.json:
        print(df.to_json(orient="records", force_ascii=False, indent=2))
        return 0
    df = df.astype(object).where(df.notna(), None)
    df["retrieved_at"] = df["retrieved_at"].map(lambda v: v[:16].replace("T", " ") if v else "never")
    df["sample"] = df["sample"].map(lambda v: "BEISPIEL" if v else ("" if v is None else "echt"))
    df["parser"] = df["verified"].map(lambda v: "" if v else "unverified")
    _print_table(df.to_dict("records"), ["dataset", "reference_date", "retrieved_at", "age_days", "stale", "rows",
                                         "sample", "parser", "source"])
    unverified = df.loc[df["parser"] != "", "dataset"].tolist()
    if unverified:
        print(f"\nparser unverified (never read a real file; `lichtenberg-data info ID` says what): "
              f"{', '.join(unverified)}")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from . import catalog
    from ._refresh import reset
    from .settings import settings

    if not args.all and not args.ids:
        print("error: name the datasets to empty, or --all", file=sys.stderr)
        return 2
    ids = catalog.ids() if args.all else [catalog.get(i).id for i in args.ids]
    if not args.yes:
        what = "every dataset" if args.all else ", ".join(ids)
        answer = input(f"Empty {what} in {settings.data_dir} (processed tables, raw snapshots, manifest "
                       "entries)? [y/N] ")
        if answer.strip().lower() not in {"y", "yes", "j", "ja"}:
            print("nothing was changed")
            return 1
    emptied = reset(ids)
    print(f"emptied: {', '.join(emptied) if emptied else 'nothing (no data was there)'}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from . import catalog
    from ._store import status
    from .demo import load

    with_samples = args.with_samples or args.samples is not None
    outcomes = load(Path(args.samples) if args.samples else None, samples=with_samples)
    removed = [o.dataset for o in outcomes if o.state == "removed"]
    _summary([o for o in outcomes if o.state != "removed"])
    if removed:
        print(f"\ngenerated sample data removed (the demo loads real data only; --with-samples adds them): "
              f"{', '.join(removed)}")
    table = status()
    real = table.loc[table["sample"].eq(False), "dataset"].tolist()
    sample = table.loc[table["sample"].eq(True), "dataset"].tolist()
    empty = [d for d in catalog.ids() if d not in real and d not in sample]
    print(f"\nreal data: {len(real)} datasets from the snapshot of real portal files")
    if with_samples:
        print(f"generated sample data (marked on every chart and page that shows them): {', '.join(sample) or 'none'}")
    if empty:
        print(f"not loaded (a box in the briefing names each; `lichtenberg-data info DATASET` says how to get it): "
              f"{', '.join(empty)}")
    return 1 if any(o.failed for o in outcomes) else 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from . import catalog
    from ._doctor import check, format_table

    rows = check([catalog.get(i) for i in args.ids] if args.ids else None, timeout=args.timeout)
    print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2) if args.json else format_table(rows))
    return 1 if any(r.failed for r in rows) else 0


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, not {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not {text!r}")
    return value


def _chart_formats(text: str) -> tuple[str, ...]:
    from .charts.files import chart_formats

    try:
        return chart_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_demo_mirror(args: argparse.Namespace) -> int:
    from .demo import write_mirror

    path = write_mirror(Path(args.folder))
    print(f"sample mirror written to {path} (generated sample data, not official figures)")
    return 0


def cmd_briefing(args: argparse.Namespace) -> int:
    from .briefing import run
    from .names import bezirk_name

    district = bezirk_name(args.district) if args.district else None
    out = Path(args.out) if args.out else Path("reports") / f"briefing-{args.year}"
    print(run(year=args.year, out=out, district=district, strict=args.strict,
              workers=args.workers, comparison=args.vergleich, chart_formats=args.chart_formats,
              fresh_kernels=args.fresh_kernels).summary())
    return 0


def cmd_kennzahlen(args: argparse.Namespace) -> int:
    from .briefing import goals, keyfigures
    from .charts.formats import format_number, format_percent
    from .names import bezirk_name

    district = bezirk_name(args.district) if args.district else None
    targets = goals.read()  # a wrong ziele.csv is an error here as in the briefing
    rows = keyfigures.listing(district)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return 0
    for r in rows:
        if r["missing"]:
            r["value"] = r["missing"]
        elif r["unit"].strip() == "%":
            r["value"] = format_percent(r["current"], r["decimals"])
        else:
            r["value"] = format_number(r["current"], r["decimals"]) + (f" {r['unit']}" if r["unit"] else "")
        r["date"] = r["when"] if not r["when"] or len(r["when"]) != 10 else \
            f"{r['when'][8:10]}.{r['when'][5:7]}.{r['when'][:4]}"
    _print_table(rows, ["id", "label", "value", "date"])
    where = goals.goals_path()
    if targets is None:
        print(f"\nno targets: write them to {where} (kennzahl,zielwert,zieljahr[,basiswert,basisjahr,anmerkung])")
    else:
        print(f"\n{where}: {len(targets)} target(s), every key figure known")
    return 0


def cmd_expose(args: argparse.Namespace) -> int:
    from .briefing.expose import write
    from .land import site_profile

    if sum(x is not None for x in (args.site, args.plr, args.point)) != 1:
        print("error: name one site: NAME or FILE, --plr IDS or --point LON LAT", file=sys.stderr)
        return 2
    try:
        profile = site_profile(args.site, plr=args.plr, point=tuple(args.point) if args.point else None,
                               radius_m=args.radius, stand=args.stand)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path("reports") / f"Expose-{profile.name.replace(' ', '_')[:60]}.pdf"
    write(profile, out)
    missing = list(dict.fromkeys(b.missing for b in profile.blocks if b.missing))  # two blocks may miss one dataset
    print(f"exposé written to {out}" + (f" (without: {', '.join(missing)})" if missing else "")
          + (" – contains generated sample data" if profile.sample else ""))
    return 0


_FEWER = ("take a new copy of a stored edition (same Stand) even with more than 10 %% fewer rows "
          "(refused by default as probably cut off)")
def cmd_vorhaben(args: argparse.Namespace) -> int:
    from datetime import date

    from .briefing.fair_map import write
    from .land.fair import measures

    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        print(f"error: --today must be a date YYYY-MM-DD, not {args.today!r}", file=sys.stderr)
        return 2
    m = measures(args.district, today=today) if args.district else measures(today=today)
    pdf, xlsx = write(m, Path(args.out))
    missing = list(dict.fromkeys(b.missing for b in m.blocks if b.missing))
    print(f"map of the measures in {m.district} written to {pdf}, list ({len(m.rows)} rows) to {xlsx}"
          + (f" (without: {', '.join(missing)})" if missing else "")
          + (" – contains generated sample data" if m.sample else ""))
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``lichtenberg-data``."""
    from datetime import date

    p = argparse.ArgumentParser(prog="lichtenberg-data", description="Open Berlin data for Lichtenberg's economic policy.")
    p.add_argument("--debug", action="store_true", help="show the full traceback of an unexpected error")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("list", help="print the catalogue of datasets (with ids: what each takes)")
    s.add_argument("ids", nargs="*", help="dataset ids: show which files each takes (as `info`)")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_list)
    s = sub.add_parser("info", help="which files a dataset takes, where to download them by hand, an example")
    s.add_argument("ids", nargs="+", help="dataset ids")
    s.set_defaults(func=cmd_info)
    s = sub.add_parser("refresh", help="download datasets, check them and update the processed tables")
    s.add_argument("ids", nargs="*", help="dataset ids (default: all)")
    s.add_argument("--force", action="store_true", help="download even when the server says unchanged")
    s.add_argument("--mirror", metavar="DIR_OR_URL", help="use <mirror>/<dataset>/<file> instead of the portals")
    s.add_argument("--accept-fewer-rows", action="store_true", help=_FEWER)
    s.set_defaults(func=cmd_refresh, log_file=True)
    s = sub.add_parser("import", help="import files downloaded by hand",
                       description="Import files downloaded by hand into a dataset, through the same checks "
                                   "as a download. `lichtenberg-data info DATASET` says which files it takes.")
    s.add_argument("dataset", help="the dataset id (see `lichtenberg-data list`)")
    s.add_argument("files", nargs="+", type=Path,
                   help="the downloaded files; several editions of a history dataset at once are fine")
    s.add_argument("--stand", metavar="YYYY-MM",
                   help="the month of the file, for a dataset stored by month (ihk_gewerbedaten) whose file name "
                        "does not carry it (IHK's archive names it like 2026_05__IHK_Berlin_Gewerbedaten.csv, "
                        "formerly IHK_OD_07-2023.csv)")
    s.add_argument("--business-type-swapped", choices=("yes", "no"),
                   help="ihk_gewerbedaten: whether the file carries the two business_type values swapped (files "
                        "obtained before IHK's correction of 24.04.2026 do). Needed only where neither the name's "
                        "month nor --stand tells the file's date; without it such a file is taken as published")
    s.add_argument("--accept-fewer-rows", action="store_true", help=_FEWER)
    s.set_defaults(func=cmd_import, log_file=True)
    s = sub.add_parser("rebuild", help="parse the stored raw files again (after a parser update) and rewrite the tables",
                       description="Parse the raw files stored in the data folder again and rewrite the processed "
                                   "tables; nothing is downloaded and every edition keeps its Stand.")
    s.add_argument("ids", nargs="*", help="dataset ids (default: every dataset that holds data)")
    s.set_defaults(func=cmd_rebuild, log_file=True)
    s = sub.add_parser("status", help="show reference date, age and size of every dataset")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)
    s = sub.add_parser("doctor", help="probe every portal address of the catalogue (DNS, status, format, layers)")
    s.add_argument("ids", nargs="*", help="dataset ids (default: all)")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument("--timeout", type=_seconds, default=10.0, help="seconds to wait per answer (default 10)")
    s.set_defaults(func=cmd_doctor)
    s = sub.add_parser("reset", help="empty datasets (processed table, raw snapshots, manifest entry)")
    s.add_argument("ids", nargs="*", help="dataset ids")
    s.add_argument("--all", action="store_true", help="every dataset")
    s.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    s.set_defaults(func=cmd_reset, log_file=True)
    s = sub.add_parser("demo", help="load the offline demo: the real snapshot only (--with-samples: and sample data)",
                       description="Load the shipped snapshot of real portal files, offline. No generated number is "
                                   "loaded: a briefing part whose dataset has no real file is a box naming the dataset "
                                   "and how to get it; sample data of an earlier --with-samples run are removed.")
    s.add_argument("--with-samples", action="store_true",
                   help="also load generated sample data for the datasets that hold no real data, to try the full "
                        "layout; marked BEISPIELDATEN on every chart, key figure and page that shows them")
    s.add_argument("--samples", metavar="DIR", help="as --with-samples, and keep the generated sample mirror in DIR")
    s.set_defaults(func=cmd_demo, log_file=True)
    s = sub.add_parser("demo-mirror", help="write a mirror of generated sample data (offline demo)")
    s.add_argument("folder")
    s.set_defaults(func=cmd_demo_mirror)
    s = sub.add_parser("briefing", help="run the notebooks and build the retreat briefing pack")
    s.add_argument("--year", type=int, default=date.today().year)
    s.add_argument("--out", help="output folder (default reports/briefing-<year>)")
    s.add_argument("--district", help="Bezirk by name or key (default: settings.district, Lichtenberg)")
    s.add_argument("--strict", action="store_true",
                   help="a missing dataset is an error (default: a box in the PDF names it and the build goes on)")
    s.add_argument("--workers", type=_positive_int, default=None,
                   help="notebooks run at the same time (default: one per CPU core); each worker keeps one kernel "
                        "for its notebooks and clears it between them")
    s.add_argument("--fresh-kernels", action="store_true",
                   help="start a fresh kernel for every notebook (slower; as when a notebook is opened in Jupyter)")
    s.add_argument("--vergleich", metavar="NAME[,NAME]",
                   help="the comparison Bezirke of the key-figure tables and findings (default: the two Bezirke "
                        "most like the district in population, density and MSS status index)")
    s.add_argument("--chart-formats", metavar="FORMAT[,FORMAT]", type=_chart_formats, default=("png",),
                   help="chart files beside the PDF: png, svg, pdf (default png, which the PDF is drawn from and "
                        "is always written; the vector files make a build about a fifth longer)")
    s.set_defaults(func=cmd_briefing)
    s = sub.add_parser("kennzahlen", help="list every key figure: id, label, current value and date",
                       description="Every key figure of the briefing with its id (for ziele.csv and the notebooks), "
                                   "label, current value and date; a figure whose dataset is missing says "
                                   "'fehlt: <dataset>'. Also checks ziele.csv in the data folder.")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument("--district", help="Bezirk by name or key (default: settings.district, Lichtenberg)")
    s.set_defaults(func=cmd_kennzahlen)
    s = sub.add_parser("expose", help="write a one-page site exposé (A4 PDF) for a commercial site",
                       description="A one-page German exposé for a commercial site: a named area (see "
                                   "lichtenberg_data/curated/gewerbegebiete.csv), a polygon file, Planungsräume or "
                                   "a point with a radius.")
    s.add_argument("site", nargs="?", help="name of a commercial area (e.g. Herzbergstraße) or a polygon file")
    s.add_argument("--plr", nargs="+", metavar="ID", help="Planungsraum ids (LOR 2021) forming the site")
    s.add_argument("--point", nargs=2, type=float, metavar=("LON", "LAT"), help="a WGS84 point")
    s.add_argument("--radius", type=float, metavar="M", help="radius in metres around --point (default 500)")
    s.add_argument("--stand", metavar="YYYY-MM", help="month of the IHK register (default: the latest)")
    s.add_argument("--out", metavar="FILE.pdf", help="output file (default reports/Expose-<name>.pdf)")
    s.set_defaults(func=cmd_expose)
    s = sub.add_parser("vorhaben", help="write the investment fair's map (A3 PDF) and list (xlsx) of a district's "
                                        "public and private measures",
                       description="Plans in procedure and set in the last five years, programme areas, the curated "
                                   "commercial areas and the construction backlog of a Bezirk: an A3 map and an xlsx "
                                   "list, each measure with its source and date. A dataset that is not loaded is "
                                   "named with the command that brings it.")
    s.add_argument("--district", help="Bezirk by name or key (default: settings.district, Lichtenberg)")
    s.add_argument("--out", default="reports", metavar="DIR", help="output folder (default reports)")
    s.add_argument("--today", metavar="YYYY-MM-DD", help="the day the list is made for (default: today)")
    s.set_defaults(func=cmd_vorhaben)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = parser().parse_args(argv)
    _setup_logging(getattr(args, "log_file", False))
    try:
        return args.func(args)
    except (UnknownDatasetError, UnknownDistrictError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except LichtenbergDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: say so, keep the traceback for --debug
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc}. This is a bug in lichtenberg_data; run the "
              "command again with --debug for the traceback and report it", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
