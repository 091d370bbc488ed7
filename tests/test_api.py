"""The public API does not change when modules move (issue 21): every name the package and its public
modules offered before the moves (their ``__all__`` on main at c1b09d4) is still there, in the same
module, and still listed in that module's ``__all__``.

The lists are the contract, written out once; a name leaves them only by a decision to change the API.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

import lichtenberg_data as ld

#: Where a user reaches each module (``ld.construction`` is an attribute of the package; the module
#: itself lives in ``land/``) and the names it offered before the moves.
BEFORE_THE_MOVES: dict[str, list[str]] = {
    "lichtenberg_data": [
        "load", "refresh", "import_file", "rebuild", "Outcome", "status", "source_note", "with_sources",
        "is_sample", "connect", "catalog", "settings", "names", "geo", "afs", "osm", "charts", "briefing",
        "workforce", "land", "retail", "tourism", "business", "construction", "fair", "demo",
        "LichtenbergDataError", "DownloadError", "FormatError", "ValidationError", "DataNotAvailableError",
        "RefreshLockedError", "SettingsError", "UnknownDatasetError", "UnknownDistrictError", "BriefingError",
    ],
    "lichtenberg_data.charts": [
        "line_vs_berlin", "ranked_bars", "small_multiples", "population_pyramid", "choropleth", "class_labels",
        "point_map", "table", "add_points", "stacked_bars", "period_ticks", "period_label", "layer_map",
        "Layer", "legend_handles", "grouped_bars", "marker_legend", "finish", "save", "slug", "chart_info",
        "chart_data", "ChartInfo", "SAMPLE_MARK", "use_style", "style", "figure", "wrap_text", "COLORS",
        "SEQUENTIAL_CMAP", "STYLE_PATH", "FULL_WIDTH_CM", "HALF_WIDTH_CM", "DEFAULT_HEIGHT_CM", "format_number",
        "format_percent", "format_change", "format_date", "format_month", "GermanFormatter",
    ],
    "lichtenberg_data.business": [
        "ENTRY_NOTE", "SECTIONS", "GROUPS", "LEVELS", "stock", "dynamics", "sector_switches", "moves", "months",
        "nearby", "series", "balance", "register_note",
    ],
    "lichtenberg_data.land": [
        "COMPLETION_KINDS", "land_values", "commercial_zones", "completions", "commercial_area", "gigabit",
        "commercial_sites", "site_profile",
    ],
    "lichtenberg_data.construction": ["BACKLOG_KINDS", "backlog"],
    "lichtenberg_data.fair": ["Measures", "measures", "COLUMNS", "KINDS", "YEARS"],
    "lichtenberg_data.osm": [
        "TAG_COLUMNS", "COLUMNS", "read_overpass", "load_answer", "check_complete", "elements_frame",
        "answer_timestamp", "column_name",
    ],
    "lichtenberg_data.sources.osm": [
        "OVERPASS_URL", "GROUPS", "Group", "overpass_query", "fetch_overpass", "wait_for_slot", "slot_wait",
        "parse_osm_pois", "classify", "group_file", "NO_RETRY_AFTER_WAIT",
    ],
    "lichtenberg_data.retail": [
        "read_centres", "centres", "study_centres", "lead_centre", "CENTRES_STAND", "COMPETITION_RADIUS_M",
        "centre_profiles", "surroundings", "supermarkets_near", "latest_residents", "AGE_GROUPS",
        "NACE_47_GROUPS", "huff", "distance_matrix", "origin_points", "attractiveness", "market_areas",
        "beta_sensitivity", "MarketAreas", "ALPHA", "BETA", "MIN_DISTANCE_M", "ALPHA_SOURCE", "BETA_SOURCE",
        "food_stores", "local_supply", "supply_by_bezirk", "SUPPLY_TYPES", "nuz_profile", "NuzProfile",
        "building_activity", "NUZ_CORE", "NUZ_PLANUNGSRAEUME",
    ],
    "lichtenberg_data.tourism": [
        "guests", "seasonality", "capacity", "listings_by_area", "listings_over_time", "room_mix",
        "scrapes_note", "residents_note", "ROOM_GROUPS", "accommodation", "attractions", "visits",
        "attraction_points", "attraction_places", "around", "around_attractions", "nearby", "coverage_note",
        "short_name", "businesses", "business_sizes", "tourism_rows", "spending_estimate",
        "SPENDING_PER_DAY_EUR", "SPENDING_SOURCE", "ASSUMPTIONS", "BASE_YEAR", "MONATE", "ACCOMMODATION",
        "BRANCHES", "SIZE_BANDS", "RADIUS_M", "KINDS", "GASTRONOMY",
    ],
    "lichtenberg_data.workforce": [
        "LEVELS", "LEADERSHIP_BERLIN", "working_age", "replacement_ratio", "youth_cohorts", "age_pyramid",
        "unemployment", "social_status", "employees", "earnings", "locate_offers", "postcode_districts",
        "vacancies", "vacancies_by_field", "women_in_leadership", "orientation_schools", "youth_per_school",
        "working_age_flows", "cohort_ageing", "cohort_change", "single_years", "forecast_change", "AGE_SUMS",
        "NOT_DISTRICT_NOTE", "NOT_PLACED", "PLZ_MIN_OFFERS", "PLZ_MIN_SHARE", "ANNAHME", "NO_PLACES_NOTE",
        "ORIENTATION_TYPES",
    ],
    "lichtenberg_data.geo": [
        "boundaries", "aggregate", "assign", "crosswalk", "crosswalk_table", "join", "lor_version",
        "LorVersionError", "LEVELS", "KEY_LENGTH", "Level", "level_of", "BOUNDARY_LEVELS", "district_id",
        "bezirk_id", "bezirk_name", "read_geofile", "DEFAULT_DISTRICT", "within",
    ],
    "lichtenberg_data.briefing": [
        "SECTIONS", "GOALS", "ENV_VAR", "COLLECT_FILE", "collect_dir", "mark_chart", "key_figure", "headline",
        "latest_pair", "Comparison", "BriefingError", "BriefingResult", "build", "run",
    ],
}


def _reach(path: str) -> ModuleType:
    """The module a user reaches by ``path``: attribute by attribute from the package (so
    ``ld.construction`` is whatever the package hands out under that name), importing a
    submodule where the package has no such attribute yet (``lichtenberg_data.sources.osm``)."""
    module: ModuleType = ld
    for part in path.split(".")[1:]:
        try:
            module = getattr(module, part)
        except AttributeError:
            module = importlib.import_module(f"{module.__name__}.{part}")
    assert isinstance(module, ModuleType), path
    return module


@pytest.mark.parametrize("path", list(BEFORE_THE_MOVES))
def test_every_name_offered_before_the_moves_is_still_offered(path):
    module = _reach(path)
    missing = [name for name in BEFORE_THE_MOVES[path] if not hasattr(module, name)]
    unlisted = [name for name in BEFORE_THE_MOVES[path] if name not in module.__all__]
    assert missing == [], f"{path} no longer has {missing}"
    assert unlisted == [], f"{path}.__all__ no longer lists {unlisted}"


@pytest.mark.parametrize("path", [p for p in BEFORE_THE_MOVES if p != "lichtenberg_data"])
def test_a_star_import_gives_every_name(path):
    """``from <module> import *`` resolves every name of ``__all__`` (none is listed but missing)."""
    module = _reach(path)
    space: dict = {}
    exec(f"from {module.__name__} import *", space)  # noqa: S102 - the import a user would type
    assert set(BEFORE_THE_MOVES[path]) <= set(space)


def test_the_topic_modules_of_land_keep_their_names_on_the_package():
    """``ld.construction`` and ``ld.fair`` (README "Using the library", notebook 30) are the modules in
    ``land/``, as ``from lichtenberg_data import construction, fair`` in a notebook gets them."""
    from lichtenberg_data import construction, fair

    assert construction.__name__ == "lichtenberg_data.land.construction"
    assert fair.__name__ == "lichtenberg_data.land.fair"
    assert ld.construction is construction and ld.land.construction is construction
    assert ld.fair is fair

