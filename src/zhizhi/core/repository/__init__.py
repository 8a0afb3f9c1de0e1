"""Core's SQL: the audit chain (:mod:`.audit`) and the calendar table (:mod:`.calendar`).

With ``core/db.py`` (engine and session set-up) and the job queue's own repository
(``core.jobs.repository``) these are the only modules of ``core`` that write SQL; the rules
around them (hash chaining, the calendar cache) stay in ``core.audit`` and
``core.calendar_store``.  Other packages never import this package (a forbidden contract).
"""
