"""Businesses in the district: stock, structure and dynamics from the IHK register.

The IHK register (``ihk_gewerbedaten``) is stored by month; every function here queries the
monthly Parquet files with DuckDB and returns a small pandas table with the provenance of the
month(s) it used (:func:`lichtenberg_data.with_sources`), so a chart made from it prints its
source line.

======================  =====================================================================
function                what
======================  =====================================================================
stock                   businesses per area (Planungsraum, Bezirksregion, Bezirk, Berlin), by
                        WZ section, size band, age or register type; per 1,000 residents;
                        location quotients against Berlin
dynamics                per month and area: ``bestand``, ``zugaenge``, ``abgaenge``, ``saldo``,
                        moves within Berlin (``zuzuege``, ``fortzuege``)
series, balance         dynamics of the Bezirke and Berlin for charts; entries, exits and balance
                        of the last 12 months per 1,000 businesses
sector_switches         businesses whose WZ section changed from one month to the next
moves                   businesses that moved from one area of Berlin to another
nearby                  the businesses of one month within a distance of points (site exposé)
======================  =====================================================================

**The register type rests on IHK's correction of 24.04.2026** (:func:`register_note`): until then
the two values of ``business_type`` were swapped in every file. The parser swaps them back for a
month before 2026-04 or a file downloaded before the correction (``business_type_basis``); the
split ``stock(by="register")`` carries the sentence saying which in ``attrs["note"]``.

**Entries are "new in the register", not foundings** (:data:`ENTRY_NOTE`): a business enters when
it becomes an IHK member or gets an id, including firms moving in from outside Berlin and
re-registrations; business_age up to 30+ years occurs among the entries. Exits likewise include
closures reported late. Handwerk and the liberal professions are largely missing from the register.
"""

from __future__ import annotations

from ..sources._wz import SECTIONS
from ._monthly import ENTRY_NOTE, balance, dynamics, moves, sector_switches, series
from ._register import LEVELS, months
from ._stock import GROUPS, nearby, register_note, stock

__all__ = ["ENTRY_NOTE", "SECTIONS", "GROUPS", "LEVELS", "stock", "dynamics", "sector_switches", "moves",
           "months", "nearby", "series", "balance", "register_note"]
