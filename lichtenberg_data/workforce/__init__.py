"""Indicators for securing skilled labour (Fachkräftesicherung) in the district.

The code is split by subject into private modules; this package lists the public API.
"""

from ._labour import (
    AGE_SUMS,
    LEADERSHIP_BERLIN,
    LEVELS,
    NOT_DISTRICT_NOTE,
    NOT_PLACED,
    PLZ_MIN_OFFERS,
    PLZ_MIN_SHARE,
    age_pyramid,
    earnings,
    employees,
    locate_offers,
    postcode_districts,
    replacement_ratio,
    social_status,
    unemployment,
    vacancies,
    vacancies_by_field,
    women_in_leadership,
    working_age,
    youth_cohorts,
)

__all__ = [
    "LEVELS", "LEADERSHIP_BERLIN", "working_age", "replacement_ratio", "youth_cohorts", "age_pyramid",
    "unemployment", "social_status", "employees", "earnings", "locate_offers", "postcode_districts", "vacancies",
    "vacancies_by_field", "women_in_leadership",
    # documented constants (public before the split as well)
    "AGE_SUMS", "NOT_DISTRICT_NOTE", "NOT_PLACED", "PLZ_MIN_OFFERS", "PLZ_MIN_SHARE",
]
