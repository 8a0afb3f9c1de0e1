"""The one list of capabilities: the web app, the worker, the CLI and the demo loader register
what each contributes (see :class:`zhizhi.http.capability.Capability`) from here.

The order is the order of the API routers (and so of the OpenAPI document), of page routers,
and of command groups; navigation entries and admin sections carry their own ``order``.
"""

from __future__ import annotations

from collections.abc import Sequence

from zhizhi.addresses.manifest import CAPABILITY as ADDRESSES
from zhizhi.attachments.manifest import CAPABILITY as ATTACHMENTS
from zhizhi.cases.manifest import CAPABILITY as CASES
from zhizhi.catalogue.manifest import CAPABILITY as CATALOGUE
from zhizhi.certificates.manifest import CAPABILITY as CERTIFICATES
from zhizhi.cockpit.manifest import CAPABILITY as COCKPIT
from zhizhi.core import anchor, jobs
from zhizhi.http.capability import Capability
from zhizhi.intelligence.manifest import CAPABILITY as INTELLIGENCE
from zhizhi.keys.manifest import CAPABILITY as KEYS
from zhizhi.knowledge.manifest import CAPABILITY as KNOWLEDGE
from zhizhi.notifications.manifest import CAPABILITY as NOTIFICATIONS
from zhizhi.open311.manifest import CAPABILITY as OPEN311
from zhizhi.org.manifest import CAPABILITY as ORG
from zhizhi.routing.manifest import CAPABILITY as ROUTING
from zhizhi.services.manifest import CAPABILITY as SERVICES
from zhizhi.services.ratings.manifest import CAPABILITY as SERVICE_RATINGS
from zhizhi.services.supervision.manifest import CAPABILITY as SERVICE_SUPERVISION
from zhizhi.services.window.manifest import CAPABILITY as SERVICE_WINDOW
from zhizhi.sharing.manifest import CAPABILITY as SHARING

CAPABILITIES: tuple[Capability, ...] = (
    ORG,
    CASES,
    CATALOGUE,
    CERTIFICATES,
    ROUTING,
    ADDRESSES,
    INTELLIGENCE,
    COCKPIT,
    SHARING,
    KEYS,
    OPEN311,
    KNOWLEDGE,
    ATTACHMENTS,
    NOTIFICATIONS,
    SERVICES,
    SERVICE_WINDOW,
    SERVICE_RATINGS,
    SERVICE_SUPERVISION,
)


def install(extra: Sequence[Capability] = ()) -> None:
    """Register every capability's tasks and schedules with ``core.jobs``, then run its install
    hook (event subscriptions, ports); safe to repeat.  ``extra``: capabilities from outside the
    list (``zhizhi worker --import MODULE``, tests)."""
    capabilities = (*CAPABILITIES, *extra)
    jobs.register((anchor.anchor_task,), (anchor.anchor_schedule,))  # the audit chain's checkpoints
    for capability in capabilities:
        jobs.register(capability.tasks, capability.schedules)
    for capability in capabilities:
        if capability.install is not None:
            capability.install()
