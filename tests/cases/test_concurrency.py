"""Concurrent actions on one case leave exactly one winner (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient


def _race(world: Any, app: Any, calls: list[tuple[str, str, dict[str, Any]]]) -> list[int]:
    barrier = threading.Barrier(len(calls))
    results: list[int] = [0] * len(calls)

    def run(i: int, username: str, number: str, body: dict[str, Any]) -> None:
        with TestClient(app, raise_server_exceptions=False) as c:
            barrier.wait()
            r = c.post(f"/api/v1/cases/{number}/actions", json=body, headers=world.h(username))
            results[i] = r.status_code

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


class TestOneWinner:
    def test_two_handlers_sign_at_once(self, world: Any, app: Any) -> None:
        for _ in range(3):
            number = world.case_in("dispatched")
            codes = _race(
                world, app, [("h_s1", number, {"action": "sign"}), ("h_s1b", number, {"action": "sign"})]
            )
            assert sorted(codes) == [200, 409], codes
            timeline = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("admin")).json()
            assert [e["action"] for e in timeline].count("sign") == 1

    def test_two_dispatchers_dispatch_at_once(self, world: Any, app: Any) -> None:
        number = world.create()["number"]
        codes = _race(
            world,
            app,
            [
                ("dispatcher", number, {"action": "dispatch", "lead_department": "S1"}),
                ("dispatcher2", number, {"action": "dispatch", "lead_department": "D2"}),
            ],
        )
        assert sorted(codes) == [200, 409], codes
        out = world.get("admin", number)
        timeline = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("admin")).json()
        dispatched = [e for e in timeline if e["action"] == "dispatch"]
        assert len(dispatched) == 1
        assert out["lead_department"]["code"] == dispatched[0]["payload"]["lead_department"]

    def test_concurrent_creations_get_distinct_numbers(self, world: Any, app: Any) -> None:
        numbers: list[str] = []
        lock = threading.Lock()

        def create() -> None:
            with TestClient(app) as c:
                for _ in range(5):
                    r = c.post("/api/v1/cases", json={"content": "并发登记"}, headers=world.h("agent"))
                    assert r.status_code == 201, r.text
                    with lock:
                        numbers.append(r.json()["number"])

        threads = [threading.Thread(target=create) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(numbers) == 20 and len(set(numbers)) == 20
