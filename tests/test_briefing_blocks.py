"""The blocks of a section: the missing-data boxes, grouped by the dataset the parts lack."""

from __future__ import annotations

from lichtenberg_data.briefing._blocks import _box_text, _items

JOBS = {"dataset": "stellenangebote", "title": "Stellen- und Ausbildungsangebote in Berlin (BA-Jobsuche)",
        "landing_page": "https://www.arbeitsagentur.de/jobsuche/"}
UNEMPLOYED = {"dataset": "arbeitslose_bezirke", "title": "Arbeitslose nach Bezirken (Jahresdurchschnitt)"}


def _missing(order: int, heading: str, dataset: dict, also: list[dict] | None = None) -> dict:
    return {**dataset, "notebook": "10_fachkraefte", "order": order, "heading": heading, "also": also or []}


def test_parts_lacking_one_dataset_share_a_box_naming_what_only_some_of_them_lack_as_well():
    missing = [_missing(3, "Ausbildungsangebote der BA-Jobsuche", JOBS),
               _missing(5, "6 Beschäftigte", {"dataset": "beschaeftigte_bezirke", "title": "Beschäftigte"}),
               _missing(7, "7 Stellen- und Ausbildungsangebote", JOBS, [UNEMPLOYED])]
    (run,) = _items([], missing, None)  # no chart between them: one run of boxes
    texts = [_box_text(b) for b in run.boxes]
    assert len(texts) == 2  # not a second box for the job offers
    assert texts[0].startswith("„Ausbildungsangebote der BA-Jobsuche“ und „7 Stellen- und Ausbildungsangebote“ "
                               "fehlen: Der Datensatz Stellen- und Ausbildungsangebote in Berlin (BA-Jobsuche) "
                               "(stellenangebote) ist nicht geladen. So kommt er dazu: lichtenberg-data import "
                               "stellenangebote DATEI (Bezugsquelle: https://www.arbeitsagentur.de/jobsuche/);")
    assert texts[0].endswith(" Für „7 Stellen- und Ausbildungsangebote“ fehlt außerdem der Datensatz Arbeitslose "
                             "nach Bezirken (Jahresdurchschnitt) (arbeitslose_bezirke): lichtenberg-data import "
                             "arbeitslose_bezirke DATEI.")
    assert texts[1].startswith("„6 Beschäftigte“ fehlt: Der Datensatz Beschäftigte (beschaeftigte_bezirke)")


def test_a_further_dataset_every_part_of_the_box_lacks_is_named_for_all():
    missing = [_missing(1, "A", JOBS, [UNEMPLOYED]), _missing(2, "B", JOBS, [UNEMPLOYED])]
    (run,) = _items([], missing, None)
    (text,) = [_box_text(b) for b in run.boxes]
    assert text.startswith("„A“ und „B“ fehlen:")
    assert text.count("arbeitslose_bezirke") == 2  # named once: its id and its command
    assert " Ebenso fehlt der Datensatz Arbeitslose nach Bezirken (Jahresdurchschnitt) (arbeitslose_bezirke): " in text
