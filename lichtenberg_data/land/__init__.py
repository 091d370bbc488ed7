"""Commercial land in the district: land values, completions, commercial and industrial area.

Every function takes processed tables (pandas in) and returns a tidy DataFrame (pandas out) that
carries the provenance of its inputs (:func:`lichtenberg_data.with_sources`), so a chart made
from it prints its source line.

======================  =====================================================================
function                what
======================  =====================================================================
land_values             commercial land values per Stichtag: median, min, max, number of zones,
                        for the district and for Berlin (``bodenrichtwerte``)
commercial_zones        the commercial zones of the district with their polygons and hectares, for
                        the map (``bodenrichtwert_zonen``, one Stichtag)
completions             completed buildings per year, Bezirk and Berlin (``baufertigstellungen``)
commercial_area         hectares and share of commercial and industrial use per Planungsraum
                        (``flaechennutzung`` intersected with ``lor_planungsraeume``)
gigabit                 share of residential and business units with gigabit-capable supply per
                        Planungsraum (``gigabit_versorgung``)
commercial_sites        the district's named commercial areas (curated, a source URL per row)
site_profile            the figures of a one-page site exposé (``lichtenberg-data expose``)
======================  =====================================================================

Commercial zones are those with ``gewerbe`` True in ``bodenrichtwerte`` (use codes ``G`` and
``Gp``; see :mod:`lichtenberg_data.sources.land_values`). The zones of the 40000 series published
since 2022 (``zusatzzone``) are counted by default and reported in their own column.

Two modules of the package are public on their own: :mod:`.construction` (``ld.construction``: the
completions and the Bauüberhang per Bezirk) and :mod:`.fair` (``ld.fair``: the measures of a
district for the investment fair).
"""

from __future__ import annotations

from ._areas import commercial_area, gigabit
from ._profile import site_profile
from ._sites import commercial_sites
from ._values import commercial_zones, land_values
from .construction import COMPLETION_KINDS, completions

__all__ = ["COMPLETION_KINDS", "land_values", "commercial_zones", "completions", "commercial_area", "gigabit",
           "commercial_sites", "site_profile"]
