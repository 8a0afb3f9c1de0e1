"""Open311 GeoReport v2: other systems read and post requests mapped to our cases (docs/open311.md)."""
