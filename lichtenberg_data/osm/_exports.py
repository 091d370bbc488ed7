"""GeoJSON exports of OSM objects as files of ``osm_pois`` (imported by hand or from a mirror).

An export (see :mod:`._geojson`) often lacks the tag it was selected by: the
real ``supermarkets_raw.geojson`` (1,358 supermarkets of Berlin, 2025) has no ``shop`` tag. Its
shop value is then given by the **file name**: a ``*.geojson`` whose name contains one of the
patterns of :data:`EXPORTS` is stored as that export's resource (``osm_export_<shop>.geojson``)
and its features without a ``shop`` tag get that shop value, hence their group:

============================  ==================  ==================
file name contains            shop                group
============================  ==================  ==================
``supermar``                  ``supermarket``     ``lebensmittel``
``bakery``/``baecker``        ``bakery``          ``lebensmittel``
``convenience``/``spaeti``    ``convenience``     ``lebensmittel``
``chemist``/``drogerie``      ``chemist``         ``einzelhandel``
``mall``/``einkaufszentr``    ``mall``            ``einkaufszentren``
============================  ==================  ==================

Any other ``*.geojson`` is ``osm_export.geojson``: its features must carry their own ``shop``,
``amenity`` or ``tourism`` tags. In Python, :func:`lichtenberg_data.osm._geojson.read_export`
takes the shop value as an explicit argument (``shop="supermarket"``).

An export fills a group only until an Overpass answer of that group is there: a stored
``osm_lebensmittel.json`` (the full answer, with data state) replaces the supermarkets of an
export, which carries no data state of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Resource

__all__ = ["Export", "EXPORTS", "GENERIC", "export_resources", "export_of"]


@dataclass(frozen=True)
class Export:
    """A kind of GeoJSON export: the shop value and group its file name gives."""

    shop: str
    group: str
    pattern: str

    @property
    def name(self) -> str:
        """The resource (stored file) name."""
        return f"osm_export_{self.shop}.geojson"


EXPORTS: dict[str, Export] = {e.shop: e for e in (
    Export("supermarket", "lebensmittel", r"supermar"),
    Export("bakery", "lebensmittel", r"bakery|b(ae|ä)cker"),
    Export("convenience", "lebensmittel", r"convenience|sp(ae|ä)ti"),
    Export("chemist", "einzelhandel", r"chemist|drogerie"),
    Export("mall", "einkaufszentren", r"mall|einkaufszentr"),
)}
#: The resource of any other GeoJSON export (its features carry their own tags).
GENERIC = "osm_export.geojson"
_ANY = "|".join(e.pattern for e in EXPORTS.values())


def export_resources() -> tuple[Resource, ...]:
    """The import-only resources of ``osm_pois`` for GeoJSON exports (file names ``*.geojson``)."""
    named = tuple(Resource(name=e.name, url=None, format="json", match=rf"({e.pattern}).*\.geojson$",
                           optional=True, several=True) for e in EXPORTS.values())
    return (*named, Resource(name=GENERIC, url=None, format="json", match=rf"^(?!.*({_ANY})).*\.geojson$",
                             optional=True, several=True))


def export_of(resource_name: str) -> Export | None:
    """The export kind of a stored resource name (``None`` for Overpass answers and the generic export)."""
    return next((e for e in EXPORTS.values() if e.name == resource_name), None)
