"""The demo city loads into a fresh SQLite database with cases in every state."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text


def test_demo_load_only_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    keys = tmp_path / "certificate-keys"
    env = {**os.environ, "ZHIZHI_DATABASE_URL": url, "ZHIZHI_CERTIFICATE_KEYS_DIR": str(keys)}
    run = subprocess.run(
        [sys.executable, "-m", "zhizhi.cli", "demo", "--load-only"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(
                text("SELECT status, count(*) FROM cases WHERE kind != 'application' GROUP BY status")
            ).all()
        )
        applications = dict(
            conn.execute(
                text(
                    "SELECT status, count(*) FROM cases WHERE kind = 'application' "
                    "AND id NOT IN (SELECT case_id FROM bundle_application_parts) GROUP BY status"
                )
            ).all()
        )
        issued = conn.execute(
            text(
                "SELECT count(*) FROM applications WHERE certificate_number IS NOT NULL "
                "AND case_id NOT IN (SELECT case_id FROM bundle_application_parts)"
            )
        ).scalar()
        receptions = dict(
            conn.execute(
                text("SELECT outcome, count(*) FROM service_window_receptions GROUP BY outcome")
            ).all()
        )
        window_clerks = conn.execute(text("SELECT count(*) FROM service_window_clerks")).scalar()
        service_ratings = dict(
            conn.execute(text("SELECT bad, count(*) FROM service_ratings GROUP BY bad")).all()
        )
        rectifications = dict(
            conn.execute(text("SELECT status, count(*) FROM service_rectifications GROUP BY status")).all()
        )
        districts = conn.execute(text("SELECT name FROM departments WHERE kind = 'district'")).scalars().all()
        certificates = dict(
            conn.execute(text("SELECT grade, count(*) FROM certificates GROUP BY grade")).all()
        )
        revoked = conn.execute(text("SELECT count(*) FROM certificates WHERE status = 'revoked'")).scalar()
        open311 = conn.execute(text("SELECT count(*) FROM cases WHERE channel = 'open311'")).scalar()
        open311_clients = conn.execute(text("SELECT name FROM open311_clients ORDER BY id")).scalars().all()
        english = conn.execute(text("SELECT count(*) FROM cases WHERE language = 'en'")).scalar()
        sharing = dict(
            conn.execute(text("SELECT status, count(*) FROM sharing_requests GROUP BY status")).all()
        )
        reads = dict(
            conn.execute(text("SELECT outcome, count(*) FROM sharing_exchange_log GROUP BY outcome")).all()
        )
        knowledge = dict(
            conn.execute(text("SELECT status, count(*) FROM knowledge_articles GROUP BY status")).all()
        )
        indexed = conn.execute(text("SELECT count(*) FROM knowledge_index")).scalar()
        cited = conn.execute(text("SELECT count(*) FROM knowledge_citations")).scalar()
        systems = conn.execute(
            text(
                "SELECT sum(active), sum(1 - active), count(cert_sha256), count(secret_rotated_at) "
                "FROM sharing_clients"
            )
        ).one()
        outbox = dict(conn.execute(text("SELECT kind, count(*) FROM outbox_messages GROUP BY kind")).all())
        bundles = conn.execute(text("SELECT count(*) FROM bundles")).scalar()
        parts = dict(
            conn.execute(
                text("SELECT outcome, count(*) FROM bundle_application_parts GROUP BY outcome")
            ).all()
        )
    assert set(statuses) == {
        "received",
        "accepted",
        "dispatched",
        "in_progress",
        "returned",
        "suspended",
        "reviewing",
        "replied",
        "closed",
        "merged",
    }
    assert sum(statuses.values()) >= 300
    # applications (办件) in every state of their lifecycle, with the one window's (docs/services.md)
    assert applications == {
        "submitted": 3,
        "correcting": 1,
        "not_accepted": 1,
        "accepted": 1,
        "examining": 2,
        "special": 1,
        "approved": 1,
        "closed": 10,
        "withdrawn": 1,
    }
    assert issued == 2  # the approved and the delivered food business permits, SM2-signed
    # one window, ratings and supervision (docs/services.md)
    assert receptions == {"forwarded": 10, "notice": 2} and window_clerks == 3  # one with 免提交
    assert service_ratings == {0: 4, 1: 2} or service_ratings == {False: 4, True: 2}
    assert rectifications == {"verifying": 1, "rectifying": 1}
    assert open311 == 6 and open311_clients == ["changsha-city-app", "yuelu-grid-app"]  # docs/open311.md
    assert english == 1  # the English-speaking resident's request: their text messages are in English
    assert sharing == {"pending": 3, "approved": 20, "refused": 1}  # data sharing (+14 bundle grants)
    # + the bundles' 免提交 reads (人社局 reading its own 社保 record for 退休: served, no grant
    # needed) and the window's 免提交 reception (docs/services.md, docs/sharing.md)
    assert reads == {"served": 179, "refused": 10}
    assert knowledge == {"published": 29, "draft": 2, "retired": 1} and indexed == 29  # docs/knowledge.md
    assert cited == 2
    assert tuple(systems) == (3, 1, 1, 1)  # consuming systems: one retired, bound, rotated
    assert bundles == 3 and set(parts) == {
        "open",
        "approved",
        "denied",
        "not_accepted",
        "withdrawn",
    }  # services
    assert {"accepted", "replied", "dispatched"} <= set(outbox)  # notifications (docs/notifications.md)
    assert "岳麓区人民政府" in districts and len(districts) == 9
    # 8 issued by the certificate demo, 2 by approved applications (食品经营许可证), 1 by the
    # newborn bundle (张伟's child's 出生医学证明)
    assert certificates == {"A": 11, "B": 2, "C": 2, "D": 1} and revoked == 1
    # YL-SCJG signs the food business permits of approved applications
    signers = sorted(p.name.split("-2")[0] for p in keys.glob("*.json"))
    assert signers == ["CS-SCJG", "CS-WJ", "CS-ZRZY", "YL-SCJG"]
    again = subprocess.run(
        [sys.executable, "-m", "zhizhi.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and "entries verified" in again.stdout
    # the demo city shows real recurrences and a unit satisfied-yet-recurring (docs/cockpit.md)
    figures = subprocess.run(
        [sys.executable, "-c", RECURRENCE], env=env, capture_output=True, text=True, timeout=120
    )
    assert figures.returncode == 0, figures.stderr
    recurred, flagged = figures.stdout.split()
    assert int(recurred) >= 5 and int(flagged) >= 1, figures.stdout


RECURRENCE = """
from zhizhi.cases import queries
from zhizhi.cockpit.service import outcome_figures
from zhizhi.core.db import unit_of_work
from zhizhi.org import service as org
with unit_of_work() as s:
    p = org.principal_for_username(s, "leader")
    span = queries.named_period("30d")
    ranking = queries.department_ranking(s, p, span, None)
    f = outcome_figures(s, p, span, None, None, ranking)
    print(f["recurred_30"], sum(1 for r in ranking if r["flag"]))
"""
