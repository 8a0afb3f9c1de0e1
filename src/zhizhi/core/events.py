"""In-process domain events: lower layers publish, higher layers subscribe at the composition root.

Subscribers run synchronously inside the publisher's transaction (so their writes commit or roll
back with it). Slow or optional work is deferred with :func:`zhizhi.core.jobs.defer` instead.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

Handler = Callable[..., None]
_lock = threading.Lock()
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    with _lock:
        if handler not in _handlers[name]:
            _handlers[name].append(handler)


def unsubscribe_all() -> None:
    with _lock:
        _handlers.clear()


def publish(name: str, session: Session, **payload: Any) -> None:
    with _lock:
        handlers = list(_handlers.get(name, ())) + list(_handlers.get("*", ()))
    for handler in handlers:
        handler(session, name=name, **payload)
