"""Import every model so ``Base.metadata`` is complete (for autogenerate and checks)."""

from zhizhi.addresses import models as addresses_models
from zhizhi.cases import models as cases_models
from zhizhi.catalogue import models as catalogue_models
from zhizhi.core import audit, calendar_store
from zhizhi.core.db import Base
from zhizhi.core.jobs import models as jobs_models
from zhizhi.org import models as org_models
from zhizhi.routing import hotspots as routing_hotspots
from zhizhi.routing import models as routing_models

__all__ = [
    "Base",
    "addresses_models",
    "audit",
    "calendar_store",
    "cases_models",
    "catalogue_models",
    "jobs_models",
    "org_models",
    "routing_hotspots",
    "routing_models",
]
