"""Sample files of the geography datasets: the sample city as the Berlin WFS and key lists deliver it."""

from __future__ import annotations

import uuid

__all__ = ["sample_bezirke", "sample_ortsteile", "sample_lor_layer", "sample_lor_schluessel",
           "sample_key_list_2019"]


def sample_bezirke() -> bytes:
    """The sample Bezirke as gdi.berlin.de's WFS ``alkis_bezirke:bezirksgrenzen`` delivers them."""
    from .city import feature_collection, sample_areas

    gdf = sample_areas("bezirk")
    out = gdf.assign(name="11000" + gdf["bezirk_id"].str.zfill(3), gem=gdf["bezirk_id"].str.zfill(3),
                     namgem=gdf["bezirk"], namlan="Berlin", lan="11")
    return feature_collection(out[["name", "gem", "namgem", "namlan", "lan", "geometry"]],
                              "alkis_bezirke:bezirksgrenzen")


def sample_ortsteile() -> bytes:
    """The sample Ortsteile as the WFS ``alkis_ortsteile:ortsteile`` delivers them (``nam``, ``namgem``)."""
    from .city import feature_collection, sample_areas

    gdf = sample_areas("ortsteil")
    out = gdf.assign(nam=gdf["ortsteil"], gem=gdf["bezirk_id"].str.zfill(3), namgem=gdf["bezirk"])
    return feature_collection(out[["nam", "gem", "namgem", "geometry"]], "alkis_ortsteile:ortsteile")


_WFS_NAMES = {"planungsraum_id": "plr_id", "planungsraum": "plr_name", "bezirksregion_id": "bzr_id",
              "bezirksregion": "bzr_name", "prognoseraum_id": "pgr_id", "prognoseraum": "pgr_name",
              "bezirk_id": "bez"}


def sample_lor_layer(level: str, version: str, type_name: str) -> bytes:
    """A sample LOR layer as the WFS delivers it (``plr_id``, ``bzr_name``, ``bez`` …)."""
    from .city import feature_collection, sample_areas

    gdf = sample_areas(level, version)
    out = gdf[[c for c in _WFS_NAMES if c in gdf.columns] + ["geometry"]].rename(columns=_WFS_NAMES)
    out["finhalt"] = gdf.geometry.area.round(2)
    out["stand"] = "01.01.2021" if version == "2021" else "01.01.2019"
    return feature_collection(out, type_name)


def sample_lor_schluessel() -> bytes:
    """The sample key list in the format of the official ``LOR_2021.csv`` (BOM, ``,``, CRLF)."""
    from .city import sample_geometry, sample_lor

    lor = sample_geometry(sample_lor())
    lines = ["techn. Schlüssel (UUID),Planungsraum (Nummer),Planungsraum (Name),Bezirksregion (Nummer),"
             "Bezirksregion (Name),Prognoseraum (Nummer),Prognoseraum (Name),Bezirk,Fläche in qm,Stand der Daten"]
    for row, area in zip(lor.itertuples(), lor.geometry.area):
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"lor-sample/{row.planungsraum_id}")).upper()
        lines.append(f"{uid},{row.planungsraum_id},{row.planungsraum},{row.bezirksregion_id},{row.bezirksregion},"
                     f"{row.prognoseraum_id},{row.prognoseraum},{row.bezirk},{area:.2f}, 01.01.2021")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def sample_key_list_2019() -> bytes:
    """The sample old-LOR key list in the format of ``LOR_Planungsraeume_2019.csv`` (``;``, LF)."""
    from .city import sample_geometry, sample_lor_2006

    lor = sample_geometry(sample_lor_2006())
    lines = ["Schlüssel;Bezirk;Planungsraum;Bezirksregion;Prognoseraum;Flächengröße in m²"]
    for row, area in zip(lor.itertuples(), lor.geometry.area):
        lines.append(f"{row.planungsraum_id};{row.bezirk};{row.planungsraum};{row.bezirksregion};"
                     f"{row.prognoseraum};{area:.2f}")
    return ("\n".join(lines) + "\n").encode("utf-8")
