"""Tourism spending of overnight guests: overnight stays × a published daily spending (a "Schätzung")."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._provenance import with_sources

__all__ = ["spending_estimate", "SPENDING_PER_DAY_EUR", "SPENDING_SOURCE", "ASSUMPTIONS"]

#: Average daily spending of an overnight guest in commercial accommodation in Berlin (EUR),
#: dwif-Consulting for visitBerlin, "Wirtschaftsfaktor Tourismus 2016" (published August 2017;
#: the newest published Berlin figure found: visitBerlin still quotes it for the years "bis zur
#: Corona-Pandemie"). Guests staying with private hosts spent 107.50 EUR a day in the same study.
SPENDING_PER_DAY_EUR = 205.80
#: Where :data:`SPENDING_PER_DAY_EUR` comes from (a provenance entry).
SPENDING_SOURCE: dict[str, Any] = {
    "dataset": "dwif_wirtschaftsfaktor_tourismus_berlin_2016",
    "title": "Wirtschaftsfaktor Tourismus für Berlin 2016: Tagesausgaben der Übernachtungsgäste",
    "source_title": "dwif-Consulting GmbH im Auftrag der visitBerlin, Wirtschaftsfaktor Tourismus Berlin 2016 "
                    "(Tagesausgaben je Übernachtungsgast in gewerblichen Betrieben: 205,80 EUR)",
    "publisher": "dwif-Consulting GmbH / visitBerlin (Berlin Tourismus & Kongress GmbH)",
    "license": "keine (zitierte Einzelangabe)", "license_url": "",
    "source_url": "https://about.visitberlin.de/wirtschaftsfaktor-fuer-berlin-tourismus-und-kongressindustrie",
    "further_urls": ["http://www.berlinboxx.de/berliner-tourismus-so-wichtig-wie-nie/",
                     "http://www.destinet.de/meldungen/menschen-management/statistik-benchmarks/"
                     "5417-berliner-wirtschaft-profitiert-vom-tourismus-so-stark-wie-nie"],
    "reference_date": "2016-12-31", "retrieved_at": None, "sample": False,
}
#: The assumptions of the estimate, in German (``{betrag}`` and ``{quelle}`` are filled in).
ASSUMPTIONS = (
    "Tagesausgaben je Übernachtungsgast: {betrag} EUR ({quelle}), nominal, nicht preisbereinigt",
    "eine Übernachtung entspricht einem Aufenthaltstag",
    "nur Gäste der Betriebe mit 10 und mehr Betten (Amt für Statistik); Privatquartiere, Ferienwohnungen, "
    "Verwandtenbesuche und Tagesgäste fehlen",
    "Ausgaben fallen in ganz Berlin an, nicht nur im Bezirk der Unterkunft; der Berliner Durchschnitt gilt "
    "nicht unbedingt für den Bezirk",
    "Bruttoumsatz (mit Mehrwertsteuer), keine Wertschöpfung und kein Einkommen",
)


def spending_estimate(overnight_stays: Any, per_day_eur: float = SPENDING_PER_DAY_EUR,
                      source: dict[str, Any] | str = SPENDING_SOURCE) -> pd.DataFrame:
    """Tourism spending estimated as overnight stays × average daily spending per overnight guest.

    Parameters
    ----------
    overnight_stays
        A table with ``uebernachtungen`` (e.g. from :func:`lichtenberg_data.tourism.guests`), a
        Series or a number.
    per_day_eur
        Spending per overnight guest and day in EUR (default: dwif 2016 for Berlin, 205.80).
    source
        Where ``per_day_eur`` comes from: a provenance entry (dict) or a citation (str).

    Returns
    -------
    pandas.DataFrame
        The input's columns and ``ausgaben_eur``, ``ausgaben_mio_eur`` and ``art`` ("Schätzung");
        ``attrs["schaetzung"]`` holds the method, the daily amount, its source and the
        assumptions (German).

    Examples
    --------
    >>> est = spending_estimate(pd.DataFrame({"jahr": [2024], "uebernachtungen": [1_000_000]}), 200.0, "Studie X")
    >>> float(est["ausgaben_eur"].iloc[0]), est["art"].iloc[0], est.attrs["schaetzung"]["tagesausgaben_eur"]
    (200000000.0, 'Schätzung', 200.0)
    """
    if isinstance(overnight_stays, pd.DataFrame):
        if "uebernachtungen" not in overnight_stays.columns:
            raise ValueError("the table needs an 'uebernachtungen' column (overnight stays)")
        out = overnight_stays.copy()
    elif isinstance(overnight_stays, pd.Series):
        out = overnight_stays.rename("uebernachtungen").to_frame()
    else:
        out = pd.DataFrame({"uebernachtungen": [float(overnight_stays)]})
    out["ausgaben_eur"] = out["uebernachtungen"].astype(float) * float(per_day_eur)
    out["ausgaben_mio_eur"] = (out["ausgaben_eur"] / 1e6).round(1)
    out["art"] = "Schätzung"
    entry = source if isinstance(source, dict) else {
        "dataset": "ausgabensatz", "title": "Tagesausgaben je Übernachtungsgast", "source_title": str(source),
        "publisher": str(source), "license": "keine (zitierte Einzelangabe)", "reference_date": None,
        "retrieved_at": None, "sample": False}
    with_sources(out, overnight_stays, entry)
    quelle = entry.get("source_title", str(source))
    out.attrs["schaetzung"] = {
        "methode": "Übernachtungen × durchschnittliche Tagesausgaben je Übernachtungsgast",
        "tagesausgaben_eur": float(per_day_eur),
        "quelle": quelle,
        "annahmen": [ASSUMPTIONS[0].format(betrag=f"{per_day_eur:.2f}".replace(".", ","), quelle=quelle),
                     *ASSUMPTIONS[1:]],
    }
    return out
