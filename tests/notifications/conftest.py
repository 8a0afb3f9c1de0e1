from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.gateway import Gateway
from zhizhi.notifications import notifier


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    """A local SMS gateway, installed as the notifier for the test."""
    gw = Gateway().start()
    notifier.use(notifier.HttpSmsGateway(gw.url, "gw-token", timeout=2.0))
    yield gw
    notifier.use(None)
    gw.stop()


@pytest.fixture(autouse=True)
def _default_notifier() -> Iterator[None]:
    notifier.use(None)
    yield
    notifier.use(None)


from tests.pages.conftest import browser, live_server  # noqa: E402,F401 (the browser test's fixtures)
