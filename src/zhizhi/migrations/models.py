"""Import every model so ``Base.metadata`` is complete (for autogenerate and checks).

``migrations`` is a composition root: it alone may import every domain's models."""

from zhizhi.addresses import models as addresses_models
from zhizhi.attachments import models as attachments_models
from zhizhi.cases import models as cases_models
from zhizhi.catalogue import models as catalogue_models
from zhizhi.certificates import models as certificates_models
from zhizhi.cockpit import models as cockpit_models
from zhizhi.core import models as core_models
from zhizhi.core.db import Base
from zhizhi.core.jobs import models as jobs_models
from zhizhi.core.throttle import models as throttle_models
from zhizhi.keys import models as keys_models
from zhizhi.knowledge import models as knowledge_models
from zhizhi.notifications import models as notifications_models
from zhizhi.open311 import models as open311_models
from zhizhi.org import models as org_models
from zhizhi.routing import models as routing_models
from zhizhi.services.applications import models as services_applications_models
from zhizhi.services.bundles import models as services_bundles_models
from zhizhi.services.items import models as services_items_models
from zhizhi.services.prefill import models as services_prefill_models
from zhizhi.services.ratings import models as services_ratings_models
from zhizhi.services.window import models as services_window_models
from zhizhi.sharing import models as sharing_models

__all__ = [
    "Base",
    "addresses_models",
    "attachments_models",
    "cases_models",
    "catalogue_models",
    "certificates_models",
    "cockpit_models",
    "core_models",
    "jobs_models",
    "keys_models",
    "knowledge_models",
    "notifications_models",
    "open311_models",
    "org_models",
    "routing_models",
    "services_applications_models",
    "services_bundles_models",
    "services_items_models",
    "services_prefill_models",
    "services_ratings_models",
    "services_window_models",
    "sharing_models",
    "throttle_models",
]
