"""Catalogue: case categories, time limits (SLA policies) per category × urgency, dispatch catalogue."""
