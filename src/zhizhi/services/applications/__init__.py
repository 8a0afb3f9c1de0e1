"""Applications (办件): cases of kind ``application`` on the case engine, with their own lifecycle
(``lifecycle``), a satellite row (``models.Application``) and results issued as certificates
(docs/services.md)."""
