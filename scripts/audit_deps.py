"""Audit requirements.lock for known vulnerabilities: the same query as ``pip-audit
--vulnerability-service pypi`` (PyPI's JSON API, whose ``vulnerabilities`` come from the OSV /
PyPA advisory database), with the standard library only, sixteen requests at a time;
scripts/test.sh runs it in the background beside the SQLite tests, so it adds no wall time.

* A vulnerability affecting a pinned version → listed, exit 1 (CI fails).
* Where PyPI's per-version endpoint is not served (some mirrors and proxies answer 404), the
  project's endpoint is used when the pin is the newest release (its ``vulnerabilities`` are
  the newest release's); other pins are listed as not audited, and do not fail the run.
* PyPI unreachable (no network) → a clear message, exit 0: the audit is skipped, not passed.
* A request that fails mid-run (a DNS or connection hiccup) is tried three times; a pin still
  unanswered is listed as not audited, with the reason, and does not fail the run.

Ignore an advisory only with a reason: ``AUDIT_IGNORE=GHSA-xxxx,PYSEC-yyyy`` (docs/security.md).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"
PYPI = os.environ.get("AUDIT_PYPI_URL", "https://pypi.org/pypi")
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.M)


class Unreachable(Exception):
    pass


def _get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (https URL)
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise Unreachable(f"{url}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise Unreachable(f"{url}: {exc}") from exc


TRIES = 3


def _get_retrying(url: str) -> dict | None:
    """:func:`_get`, tried ``TRIES`` times (1 s, then 3 s apart) before ``Unreachable``."""
    for attempt in range(TRIES - 1):
        try:
            return _get(url)
        except Unreachable:
            time.sleep(1 + 2 * attempt)
    return _get(url)


def audit(pin: tuple[str, str]) -> tuple[str, str, list[dict] | None, str]:
    """``(name, version, vulnerabilities, why)``; vulnerabilities ``None`` when this version could
    not be audited, ``why`` saying why."""
    name, version = pin
    try:
        data = _get_retrying(f"{PYPI}/{name}/{version}/json")
        if data is None:
            project = _get_retrying(f"{PYPI}/{name}/json")
            if project is None or project["info"]["version"] != version:
                return name, version, None, "per-version endpoint unavailable, pin not the newest"
            data = project
    except Unreachable as exc:
        return name, version, None, f"unreachable after {TRIES} tries: {exc}"
    return name, version, list(data.get("vulnerabilities") or []), ""


def main() -> int:
    pins = PIN.findall(LOCK.read_text())
    ignored = {v for v in os.environ.get("AUDIT_IGNORE", "").split(",") if v}
    try:
        _get(f"{PYPI}/pip/json")
    except Unreachable as exc:
        print(f"依赖漏洞审计已跳过：无法访问 PyPI / dependency audit SKIPPED: PyPI unreachable ({exc})")
        return 0
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(audit, pins))
    found, unaudited = [], []
    for name, version, vulns, why in results:
        if vulns is None:
            unaudited.append(f"{name}=={version} ({why})")
            continue
        for v in vulns:
            ids = {v.get("id", ""), *(v.get("aliases") or [])}
            if not ids & ignored:
                summary = v.get("summary") or str(v.get("details", ""))[:120]
                found.append(f"{name}=={version}: {v.get('id')} fixed in {v.get('fixed_in')}: {summary}")
    audited = len(pins) - len(unaudited)
    print(f"dependency audit: {len(pins)} pinned packages, {audited} audited, {len(found)} vulnerabilities")
    if unaudited:
        print(f"  not audited: {'; '.join(unaudited)}")
    for line in found:
        print(f"  VULNERABLE {line}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
