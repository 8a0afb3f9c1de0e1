"""一件事一次办 and 免提交, measured on the demo city (SQLite).

    .venv/bin/python bench/bench_bundles.py [--db PATH_TO_DEMO_SQLITE] [--rounds 5] [--block 10]

1. *数据多跑路*, per demo bundle: the fields and materials an applicant is asked when applying
   for each item separately, with the bundle's merged form, and with the merged form and 免提交
   (the representative demo applicant consenting: 张伟 online for 新生儿出生, the demo restaurant
   company at a window for 开办餐馆, an insured person at a window for 退休).  The reads go
   through the real exchange and certificate library and are rolled back (the demo database is
   left as it was).
2. *Throughput*: one bundle submission (新生儿出生, all four parts, at a window) against the floor
   of the same run — one single application (出生医学证明) submitted through
   ``applications.service.submit`` — each in its own unit of work (commit), blocks alternating
   in flipped order every round; medians over the rounds, with the ratio per application
   opened (bundle rate × parts ÷ single rate).

Without ``--db`` the demo city is loaded into a temporary SQLite file first (a few minutes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import bench_cases

PY = sys.executable


def _demo_db(path: str | None) -> str:
    folder = Path(tempfile.mkdtemp(prefix="zhizhi-bench-bundles-"))
    target = folder / "demo.db"
    if path:
        shutil.copy(path, target)
    else:
        env = {**os.environ, "ZHIZHI_DATABASE_URL": f"sqlite:///{target}"}
        subprocess.run([PY, "-m", "zhizhi.cli", "demo", "--load-only"], env=env, check=True, timeout=1800)
    return f"sqlite:///{target}"


def _counts() -> list[dict[str, Any]]:
    from zhizhi.core.db import unit_of_work
    from zhizhi.demo import bundles as demo
    from zhizhi.org import service as org
    from zhizhi.services.bundles import service, submission
    from zhizhi.services.bundles.schemas import PrefillIn
    from zhizhi.sharing import seed

    people = seed.provider_rows(120)["provider_population"]
    insured = {r["id_number"] for r in seed.provider_rows(120)["provider_social_security"]}
    retiree = min((p for p in people if p["id_number"] in insured), key=lambda p: p["birth_date"])
    zhang = people[0]
    applicants = {
        "newborn": ("citizen", {"type": "1", "name": zhang["name"], "id_number": zhang["id_number"]}),
        "open-restaurant": (
            "yjs_window",
            {
                "type": "2",
                "name": "长沙坡子街湘味餐饮管理有限公司",
                "credit_code": demo.HOTPOT,
                "id_number": zhang["id_number"],
            },
        ),
        "retirement": (
            "yjs_window",
            {"type": "1", "name": retiree["name"], "id_number": retiree["id_number"]},
        ),
    }
    out = []
    with unit_of_work() as session:
        for code, (user, applicant) in applicants.items():
            form = service.form(session, code)
            principal = org.principal_for_username(session, user)
            filled = submission.preview(
                session, principal, code, PrefillIn(applicant=applicant, consent=True)
            )
            by_fields = sum(1 for f in filled.fields if f.value)
            by_materials = sum(1 for m in filled.materials if m.provided)
            out.append(
                {
                    "bundle": form.bundle.name,
                    "parts": len(form.bundle.items),
                    "fields_separate": form.fields_total,
                    "fields_merged": len(form.fields),
                    "fields_free": len(form.fields) - by_fields,
                    "materials_separate": form.materials_total,
                    "materials_merged": len(form.materials),
                    "materials_free": len(form.materials) - by_materials,
                }
            )
        session.rollback()  # the preview's exchange-log rows and audit entries are not kept
    return out


def _throughput(rounds: int, block: int) -> dict[str, float]:
    from zhizhi.core.db import unit_of_work
    from zhizhi.demo.bundles import _codes
    from zhizhi.org import service as org
    from zhizhi.services.applications import schemas as app
    from zhizhi.services.applications import service as applications
    from zhizhi.services.applications.enums import ApplicantType, SubmitChannel
    from zhizhi.services.bundles import submission
    from zhizhi.services.bundles.schemas import BundleApplicationIn
    from zhizhi.sharing import seed

    people = seed.provider_rows(120)["provider_population"]
    mother = next(p for p in people[30:] if p["gender"] == "女")
    father = next(p for p in people[30:] if p["gender"] == "男")
    answers = {
        "child.name": "测试宝宝",
        "child.gender": "女",
        "child.birth_date": "2026-11-20",
        "mother.name": mother["name"],
        "mother.id_number": mother["id_number"],
        "father.name": father["name"],
        "father.id_number": father["id_number"],
        "person.household_address": mother["household_address"],
        "person.phone": "13874010086",
    }
    materials = [
        "birth.record",
        "parents.id_card",
        "child.birth_medical_certificate",
        "person.household_register",
        "person.id_or_household",
        "person.photo",
    ]
    bundle_body = BundleApplicationIn(
        applicant={"type": "1", "name": mother["name"], "id_number": mother["id_number"]},
        parts=["sscard"],
        answers=answers,
        materials=materials,
        consent=False,
    )
    birth = _codes()["000120101000"]
    single_form = {k: v for k, v in answers.items()}
    single_applicant = app.ApplicantIn(
        type=ApplicantType.PERSON, name=mother["name"], id_number=mother["id_number"], phone="13874010086"
    )
    single_materials = [app.MaterialIn(code=c) for c in ("birth.record", "parents.id_card")]

    def bundle_once() -> None:
        with unit_of_work() as s:
            clerk = org.principal_for_username(s, "yjs_window")
            submission.submit(s, clerk, "newborn", bundle_body)

    def single_once() -> None:
        with unit_of_work() as s:
            clerk = org.principal_for_username(s, "yjs_window")
            applications.submit(
                s, clerk, birth, single_applicant, single_form, single_materials, SubmitChannel.WINDOW
            )

    bundle_once(), single_once()  # warm-up
    rates: dict[str, list[float]] = {"bundle": [], "single": []}
    for r in range(rounds):
        order = [("bundle", bundle_once), ("single", single_once)]
        for name, fn in order if r % 2 == 0 else reversed(order):
            start = time.perf_counter()
            for _ in range(block):
                fn()
            rates[name].append(block / (time.perf_counter() - start))
    ratios = [b * 4 / s for b, s in zip(rates["bundle"], rates["single"], strict=True)]
    return {
        "bundle_per_s": statistics.median(rates["bundle"]),
        "single_per_s": statistics.median(rates["single"]),
        "ratio_per_application": statistics.median(ratios),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="an existing demo SQLite file (copied; default: load the demo)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--block", type=int, default=10)
    args = ap.parse_args()
    bench_cases.bench_keys()  # with --db, pass the demo's own key files in the environment instead
    os.environ["ZHIZHI_DATABASE_URL"] = _demo_db(args.db)
    os.environ["ZHIZHI_JOBS_INLINE"] = "false"
    from zhizhi import registry

    registry.install()
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; cpus {os.cpu_count()}")
    print("\n| bundle | parts | fields: separate / merged / with 免提交 ", end="")
    print("| materials: separate / merged / with 免提交 |")
    print("|---|---|---|---|")
    for c in _counts():
        fields = f"{c['fields_separate']} / {c['fields_merged']} / {c['fields_free']}"
        materials = f"{c['materials_separate']} / {c['materials_merged']} / {c['materials_free']}"
        print(f"| {c['bundle']} | {c['parts']} | {fields} | {materials} |")
    t = _throughput(args.rounds, args.block)
    print(f"\nbundle submissions/s (4 parts): {t['bundle_per_s']:.1f}")
    print(f"single applications/s (floor): {t['single_per_s']:.1f}")
    print(f"applications opened per second, bundle ÷ floor: {t['ratio_per_application']:.2f}")
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
