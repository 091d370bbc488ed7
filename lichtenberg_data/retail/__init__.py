"""Retail and centres: the shopping centres, their catchments and market areas, local supply, the NUZ.

The analyses German retail and centre concepts (Zentren- und Einzelhandelskonzepte) lead with,
on open data. Every function takes ``district=geo.DEFAULT_DISTRICT`` (``settings.district``) and
loads what it needs unless given the frames.

Centres (:mod:`._centres`)
    :func:`read_centres`, :func:`centres` - the curated table of the district's shopping centres
    and the competitors across its border; :func:`study_centres` - the district's centres and
    every competing centre within 3 km (curated or ``shop=mall`` in OpenStreetMap);
    :func:`lead_centre` - the district's largest centre (published sales area).
Catchments (:mod:`._profile`)
    :func:`centre_profiles` - residents within 500/1,000/1,500 m (areal interpolation), their
    change, ages, earnings and social status around each centre; :func:`surroundings` - retail
    businesses (IHK, WZ 47) and OSM shops within 300 m; :func:`supermarkets_near` - supermarkets
    within 500 m.
Market areas (:mod:`._huff`)
    :func:`huff`, :func:`market_areas`, :func:`beta_sensitivity` - the Huff model over the
    district's Planungsräume (α, β, attractiveness and their sources documented there).
Local supply (:mod:`._supply`)
    :func:`food_stores`, :func:`local_supply`, :func:`supply_by_bezirk` - residents within 500 m
    and 1,000 m of a full-range supermarket or discounter, markets per 1,000 residents.
NUZ (:mod:`._nuz`)
    :func:`nuz_profile` - the Neues Urbanes Zentrum Neu-Hohenschönhausen around Prerower Platz.

StEP Zentren (dataset ``zentren``) is not used here: no real file of it is at hand (the WFS
could not be reached when the toolkit was built), the demo has sample areas only.
"""

from __future__ import annotations

from ._centres import (
    CENTRES_STAND,
    COMPETITION_RADIUS_M,
    centres,
    lead_centre,
    read_centres,
    study_centres,
)
from ._huff import (
    ALPHA,
    ALPHA_SOURCE,
    BETA,
    BETA_SOURCE,
    MIN_DISTANCE_M,
    MarketAreas,
    attractiveness,
    beta_sensitivity,
    distance_matrix,
    huff,
    market_areas,
    origin_points,
)
from ._nuz import NUZ_CORE, NUZ_PLANUNGSRAEUME, NuzProfile, building_activity, nuz_profile
from ._profile import (
    AGE_GROUPS,
    NACE_47_GROUPS,
    centre_profiles,
    supermarkets_near,
    surroundings,
)
from ._residents import latest_residents
from ._supply import SUPPLY_TYPES, food_stores, local_supply, supply_by_bezirk

__all__ = [
    "read_centres", "centres", "study_centres", "lead_centre", "CENTRES_STAND", "COMPETITION_RADIUS_M",
    "centre_profiles", "surroundings", "supermarkets_near", "latest_residents", "AGE_GROUPS", "NACE_47_GROUPS",
    "huff", "distance_matrix", "origin_points", "attractiveness", "market_areas", "beta_sensitivity", "MarketAreas",
    "ALPHA", "BETA", "MIN_DISTANCE_M", "ALPHA_SOURCE", "BETA_SOURCE",
    "food_stores", "local_supply", "supply_by_bezirk", "SUPPLY_TYPES",
    "nuz_profile", "NuzProfile", "building_activity", "NUZ_CORE", "NUZ_PLANUNGSRAEUME",
]
