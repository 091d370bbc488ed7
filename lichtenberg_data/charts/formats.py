"""German number and date formatting for charts: the rules of :mod:`lichtenberg_data._formats`
(one place for charts, tables, the briefing and the topics' texts), offered under the charts' name.
"""

from __future__ import annotations

from .._formats import *  # noqa: F403 - the same names, see _formats.__all__
from .._formats import __all__, __getattr__  # noqa: F401 - GermanFormatter is lazy
