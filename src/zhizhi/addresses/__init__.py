"""Unified address library (统一地址库): address parsing, divisions, standard addresses, grids,
the geocoder and ``locate`` for case intake."""
