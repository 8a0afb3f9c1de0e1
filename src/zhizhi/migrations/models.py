"""Import every model so ``Base.metadata`` is complete (for autogenerate and checks)."""

from zhizhi.cases import models as cases_models
from zhizhi.catalogue import models as catalogue_models
from zhizhi.core import audit, calendar_store
from zhizhi.core.db import Base
from zhizhi.org import models as org_models

__all__ = ["Base", "audit", "calendar_store", "cases_models", "catalogue_models", "org_models"]
