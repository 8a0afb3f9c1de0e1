"""Write static/geo/changsha_districts_wgs84.json: the districts' boundaries (GCJ-02 in the source)
converted to WGS-84 for the map picker, whose points (clicks, browser geolocation) are WGS-84 like
the grids and the standard addresses (docs/attachments.md). Run again when the source changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zhizhi.addresses.coords import gcj02_to_wgs84

GEO = Path(__file__).resolve().parents[1] / "src" / "zhizhi" / "ui" / "static" / "geo"


def _convert(coords: Any) -> Any:
    if isinstance(coords[0], int | float):
        lat, lon = gcj02_to_wgs84(coords[1], coords[0])
        return [round(lon, 6), round(lat, 6)]
    return [_convert(c) for c in coords]


def main() -> None:
    source = json.loads((GEO / "changsha_districts.json").read_text(encoding="utf-8"))
    for feature in source["features"]:
        feature["geometry"]["coordinates"] = _convert(feature["geometry"]["coordinates"])
        feature["properties"].pop("center", None)
    out = GEO / "changsha_districts_wgs84.json"
    out.write_text(json.dumps(source, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{out}: {len(source['features'])} features")


if __name__ == "__main__":
    main()
