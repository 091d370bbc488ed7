"""Indicators for securing skilled labour (Fachkräftesicherung) in the district.

Every function takes the processed tables it needs as arguments (``None`` loads them with
:func:`lichtenberg_data.load`) and returns a tidy DataFrame that carries the provenance of
its inputs (:func:`lichtenberg_data.with_sources`), so charts print their source line.

Levels are ``planungsraum``, ``bezirksregion``, ``prognoseraum``, ``bezirk`` (the 12 Bezirke
plus a Berlin row, ``gebiet_id`` ``"00"``) and ``berlin``. ``district`` (default:
``settings.district``) restricts the sub-Bezirk levels to one Bezirk; ``None`` keeps Berlin.

======================  ===============================================================
function                what
======================  ===============================================================
working_age             residents 15 to under 65 and their trend (einwohner_lor)
replacement_ratio       residents 55-<65 per 100 residents 15-<25 (einwohner_lor)
youth_cohorts           the cohorts vocational orientation reaches: 14-<18, 15-<18, 18-<25
age_pyramid             residents by sex and 5-year age group (einwohner_ortsteile)
unemployment            MSS unemployment and youth unemployment, population-weighted
social_status           MSS Status- and Dynamik-Index classes per Planungsraum
employees               employees subject to social insurance: sex, age, trend
earnings                median earnings and low-wage share of full-time employees (entgelte_lor)
locate_offers           job offers assigned to Bezirke (point in polygon, postcode from the data)
vacancies               offers per Bezirk and per 100 registered unemployed
vacancies_by_field      offers by occupation field, district against Berlin
women_in_leadership     what open data say on women in leadership (Berlin only!)
======================  ===============================================================

Modules (private; import from this package): :mod:`._population` (working_age to
age_pyramid), :mod:`._mss` (unemployment, social_status), :mod:`._labour` (employees,
earnings, women_in_leadership), :mod:`._offers` (job offers) and :mod:`._common` (loading,
levels, area names, Berlin rows, index and change), which the others import.
"""

from ._common import AGE_SUMS, LEVELS
from ._labour import LEADERSHIP_BERLIN, NOT_DISTRICT_NOTE, earnings, employees, women_in_leadership
from ._mss import social_status, unemployment
from ._offers import (
    NOT_PLACED,
    PLZ_MIN_OFFERS,
    PLZ_MIN_SHARE,
    locate_offers,
    postcode_districts,
    vacancies,
    vacancies_by_field,
)
from ._population import age_pyramid, replacement_ratio, working_age, youth_cohorts

__all__ = [
    "LEVELS", "LEADERSHIP_BERLIN", "working_age", "replacement_ratio", "youth_cohorts", "age_pyramid",
    "unemployment", "social_status", "employees", "earnings", "locate_offers", "postcode_districts", "vacancies",
    "vacancies_by_field", "women_in_leadership",
    # documented constants (public before the split as well)
    "AGE_SUMS", "NOT_DISTRICT_NOTE", "NOT_PLACED", "PLZ_MIN_OFFERS", "PLZ_MIN_SHARE",
]
