"""The case engine's screens: the public portal (submit, track, rate, FAQ) and the staff
workbench (queues, bulk actions, the case page with its action forms, hotline intake).

Templates are in ``cases/templates/cases/``; other capabilities add sections to the case page
through :mod:`.panels`.
"""

from __future__ import annotations

from zhizhi.cases.pages import bulk, files, portal, search, workbench

ROUTERS = (portal.router, search.router, workbench.router, bulk.router, files.router)
