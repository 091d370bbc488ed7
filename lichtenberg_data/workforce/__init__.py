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
orientation_schools     the district's ISS, Gymnasien and vocational schools (schulen)
youth_per_school        15- to under-18-year-olds per ISS and Gymnasium, Bezirke and Berlin
working_age_flows       Modellrechnung: entries into and exits from working age by t+5, t+10
cohort_ageing           the register aged in five-year steps (cohort change of five years)
cohort_change           the one assumption: the cohort change of the last five years per age
forecast_change         the Senate's forecast: change to 2040 per Bezirk (bevoelkerungsprognose)
======================  ===============================================================

Modules (private; import from this package): :mod:`._population` (working_age to
age_pyramid), :mod:`._mss` (unemployment, social_status), :mod:`._labour` (employees,
earnings, women_in_leadership), :mod:`._offers` (job offers), :mod:`._schools` (schools for
orientation), :mod:`._cohorts` (the Modellrechnung of the future workforce), :mod:`._forecast`
(the Senate's forecast) and :mod:`._common` (loading,
levels, area names, Berlin rows, index and change), which the others import.
"""

from ._cohorts import (
    ANNAHME,
    cohort_ageing,
    cohort_change,
    single_years,
    working_age_flows,
)
from ._common import AGE_SUMS, LEVELS
from ._forecast import forecast_change
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
from ._schools import NO_PLACES_NOTE, ORIENTATION_TYPES, orientation_schools, youth_per_school

__all__ = [
    "LEVELS", "LEADERSHIP_BERLIN", "working_age", "replacement_ratio", "youth_cohorts", "age_pyramid",
    "unemployment", "social_status", "employees", "earnings", "locate_offers", "postcode_districts", "vacancies",
    "vacancies_by_field", "women_in_leadership", "orientation_schools", "youth_per_school", "working_age_flows",
    "cohort_ageing", "cohort_change", "single_years", "forecast_change",
    # documented constants (public before the split as well)
    "AGE_SUMS", "NOT_DISTRICT_NOTE", "NOT_PLACED", "PLZ_MIN_OFFERS", "PLZ_MIN_SHARE", "ANNAHME", "NO_PLACES_NOTE",
    "ORIENTATION_TYPES",
]
