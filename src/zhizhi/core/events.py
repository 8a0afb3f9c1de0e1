"""In-process domain events: lower layers publish, higher layers subscribe at the composition root.

Each event name is a ``blinker`` signal of one namespace; the sender is the publisher's session
and the payload travels as keyword arguments (with ``name``).  Subscribers run synchronously
inside the publisher's transaction, so their writes commit or roll back with it; slow or optional
work is queued with :func:`zhizhi.core.jobs.enqueue` instead.  ``"*"`` receives every event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import Namespace
from sqlalchemy.orm import Session

Handler = Callable[..., None]
EVERY = "*"
signals = Namespace()


def subscribe(name: str, handler: Handler) -> None:
    """Call ``handler(session, name=..., **payload)`` on each ``name`` event (idempotent; held
    strongly, so handlers may be closures)."""
    signals.signal(name).connect(handler, weak=False)


def unsubscribe_all() -> None:
    for signal in signals.values():
        for receiver in list(signal.receivers_for(signal.ANY)):
            signal.disconnect(receiver)


def publish(name: str, session: Session, **payload: Any) -> None:
    for signal_name in (name, EVERY):
        signal = signals.get(signal_name)
        if signal is not None and signal.receivers:
            signal.send(session, name=name, **payload)
