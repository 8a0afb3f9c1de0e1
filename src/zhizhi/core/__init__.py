"""Lowest layer: settings, database, clock, calendar, errors, audit, permissions, crypto."""
