"""Unified address library (统一地址库): address parsing, divisions and standard addresses."""
