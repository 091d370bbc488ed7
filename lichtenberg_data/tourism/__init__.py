"""Indicators for tourism in the district: guests, accommodation, attractions, businesses, spending.

Every function takes the processed tables it needs as arguments (``None`` loads them with
:func:`lichtenberg_data.load`) and returns a tidy DataFrame carrying the provenance of its
inputs (:func:`lichtenberg_data.with_sources`), so charts print their source line. Bezirk-level
tables list the 12 Bezirke and Berlin (``gebiet_id`` ``"00"``); sub-Bezirk levels (LOR 2021)
the areas of ``district`` (default ``settings.district``; ``None`` = all Berlin).

======================  ===============================================================
function                what
======================  ===============================================================
guests                  guests and overnight stays per year, Bezirk and Berlin: share,
                        rank, average stay, index 2019 = 100 (beherbergung_bezirke)
seasonality             the same by month, with each month's share of its year
capacity                establishments, beds, share of Berlin's beds, bed utilisation
listings_by_area        Airbnb listings per area: entire homes vs rooms, available days,
                        per 1,000 residents (kurzzeitvermietung, einwohner_lor)
listings_over_time      the same for every scrape, residents of the nearest year
room_mix                entire homes, rooms and hotel rooms of one area per scrape
accommodation           hotels, hostels, guest houses, holiday flats mapped in OSM per
                        area, per 1,000 residents (osm_pois)
attractions             the district's attractions with published visitor numbers (curated)
visits                  visitor numbers per attraction and year: the Senate's statistics
                        where they count the institution, else the published figures
attraction_points       one point per attraction with its latest visitor number (maps)
around_attractions      gastronomy, accommodation, museums within 1 km of each attraction (OSM)
attraction_places       the attractions as points (maps)
nearby                  gastronomy near them and the district's museums as points (maps)
coverage_note           what the loaded OSM data hold and lack, in German (chart subtitles)
businesses              tourism businesses of the IHK register per area and branch
                        (NACE 55, 56, 79, 90-93), share of micro businesses
business_sizes          the same by size band, the district against Berlin
spending_estimate       overnight stays × average daily spending: a labelled estimate
======================  ===============================================================

Modules: :mod:`.stays`, :mod:`.supply`, :mod:`.rentals`, :mod:`.attractions`, :mod:`.businesses`,
:mod:`.spending`. Entries and exits of tourism businesses over time are not here yet: they
need the monthly history of the IHK register.
"""

from __future__ import annotations

from .attractions import (
    GASTRONOMY,
    KINDS,
    RADIUS_M,
    around,
    around_attractions,
    attraction_places,
    attraction_points,
    attractions,
    coverage_note,
    nearby,
    short_name,
    visits,
)
from .businesses import BRANCHES, SIZE_BANDS, business_sizes, businesses, tourism_rows
from .rentals import ROOM_GROUPS, listings_over_time, residents_note, room_mix, scrapes_note
from .spending import ASSUMPTIONS, SPENDING_PER_DAY_EUR, SPENDING_SOURCE, spending_estimate
from .stays import BASE_YEAR, MONATE, capacity, guests, seasonality
from .supply import ACCOMMODATION, accommodation, listings_by_area

__all__ = [
    "guests", "seasonality", "capacity", "listings_by_area", "listings_over_time", "room_mix", "scrapes_note",
    "residents_note", "ROOM_GROUPS", "accommodation", "attractions", "visits", "attraction_points",
    "attraction_places", "around", "around_attractions", "nearby", "coverage_note", "short_name", "businesses",
    "business_sizes", "tourism_rows",
    "spending_estimate", "SPENDING_PER_DAY_EUR", "SPENDING_SOURCE", "ASSUMPTIONS", "BASE_YEAR", "MONATE",
    "ACCOMMODATION", "BRANCHES", "SIZE_BANDS", "RADIUS_M", "KINDS", "GASTRONOMY",
]
