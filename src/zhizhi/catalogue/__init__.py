"""Catalogue: case categories, time limits (SLA policies) per category × urgency, the holiday calendar."""
