"""Lowest layer: settings, database, clock, calendar, errors, audit, permissions, the principal,
crypto, jobs and events; core's own SQL is in ``core.repository``."""
