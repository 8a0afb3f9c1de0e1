"""A fixed-rate (open-loop) HTTP load generator: latency at a given request rate.

``wrk`` keeps N connections busy and reports latency at saturation, where it is simply
N / throughput.  A target such as "300 creations/s with p95 < 50 ms" asks something else: at an
offered load of 300 requests/s, how long does each request take?  This sends requests on a fixed
schedule (request i at ``start + i / rate``) over a pool of keep-alive connections, opening more
when all are busy, and measures each latency from its *scheduled* time, so a server that falls
behind is charged for the queue it builds (no coordinated omission). A request unanswered after
``REQUEST_TIMEOUT_S`` is an error charged that long, so a server that collapses ends the run.

    python bench/openloop.py URL --rate 300 --seconds 10 --body '{"content": "…"}' [--token T]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from typing import Any
from urllib.parse import urlsplit

KEEPALIVE_S = 4.0
# a request not answered within this is an error, charged this long in the latencies (a server
# that collapses — e.g. its connection pool runs dry — ends the run instead of holding it for minutes)
REQUEST_TIMEOUT_S = 30.0


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


def _requests(urls: list[str], body: dict[str, Any], token: str | None) -> tuple[str, int, list[bytes]]:
    """The raw POST of ``body`` to each of ``urls`` (one host)."""
    first = urlsplit(urls[0])
    host, port = first.hostname or "127.0.0.1", first.port or 80
    payload = json.dumps(body, ensure_ascii=False).encode()
    out = []
    for url in urls:
        header = (
            f"POST {urlsplit(url).path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            + (f"Authorization: Bearer {token}\r\n" if token else "")
            + "\r\n"
        )
        out.append(header.encode() + payload)
    return host, port, out


async def run(
    url: str | list[str],
    body: dict[str, Any],
    rate: float,
    seconds: float,
    token: str | None = None,
    max_conns: int = 256,
    timeout: float = REQUEST_TIMEOUT_S,
) -> dict[str, float]:
    """Send ``rate`` requests/s for ``seconds``; with several URLs (one host), request i goes to
    ``url[i % len(url)]`` (e.g. actions spread over many cases, so no row lock is shared)."""
    host, port, requests = _requests([url] if isinstance(url, str) else url, body, token)
    # idle keep-alive connections with the time they were last used; uvicorn closes a connection
    # idle for 5 s, so one idle for KEEPALIVE_S is closed here instead of failing a request
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
    slots = asyncio.Semaphore(max_conns)
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    loop = asyncio.get_running_loop()

    async def one(scheduled: float, request: bytes) -> None:
        nonlocal errors
        async with slots:
            while idle and loop.time() - idle[-1][2] > KEEPALIVE_S:
                idle.pop()[1].close()
            reader, writer = (idle.pop()[:2]) if idle else await asyncio.open_connection(host, port)
            try:
                writer.write(request)
                async with asyncio.timeout(timeout):
                    await writer.drain()
                    status = await _read_response(reader)
            except TimeoutError:
                errors += 1
                statuses[0] = statuses.get(0, 0) + 1  # 0: no answer in time
                latencies.append(loop.time() - scheduled)
                writer.close()
                return
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                writer.close()
                return
            latencies.append(loop.time() - scheduled)
            if not 200 <= status < 300:
                errors += 1
                statuses[status] = statuses.get(status, 0) + 1
            idle.append((reader, writer, loop.time()))

    total = int(rate * seconds)
    start = loop.time() + 0.05
    tasks = []
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled, requests[i % len(requests)])))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    for _, writer, _ in idle:
        writer.close()
    if statuses:
        print(f"openloop: non-2xx responses (0: none within {timeout:g} s) {statuses}")
    ms = sorted(x * 1000 for x in latencies)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(p / 100 * len(ms)))] if ms else float("nan")

    return {
        "offered_rps": rate,
        "achieved_rps": len(latencies) / elapsed,
        "p50": statistics.median(ms) if ms else float("nan"),
        "p95": pct(95),
        "p99": pct(99),
        "errors": float(errors),
    }


async def closed(
    urls: list[str], body: dict[str, Any], conns: int, seconds: float, token: str | None = None
) -> dict[str, float]:
    """Closed loop (like ``wrk``): ``conns`` keep-alive connections each send the next request
    as soon as the last answered, for ``seconds``; requests go round-robin over ``urls``.
    Throughput at saturation and its latencies."""
    host, port, requests = _requests(urls, body, token)
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    errors = 0
    counter = 0
    stop_at = loop.time() + seconds

    async def conn() -> None:
        nonlocal errors, counter
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while loop.time() < stop_at:
                request = requests[counter % len(requests)]
                counter += 1
                t0 = loop.time()
                writer.write(request)
                try:
                    async with asyncio.timeout(REQUEST_TIMEOUT_S):
                        await writer.drain()
                        status = await _read_response(reader)
                except TimeoutError:  # charged, and this connection is done
                    errors += 1
                    latencies.append(loop.time() - t0)
                    return
                latencies.append(loop.time() - t0)
                if not 200 <= status < 300:
                    errors += 1
        finally:
            writer.close()

    start = loop.time()
    await asyncio.gather(*(conn() for _ in range(conns)))
    elapsed = loop.time() - start
    ms = sorted(x * 1000 for x in latencies)
    return {
        "rps": len(ms) / elapsed,
        "p50": statistics.median(ms) if ms else float("nan"),
        "p95": ms[min(len(ms) - 1, int(0.95 * len(ms)))] if ms else float("nan"),
        "errors": float(errors),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--rate", type=float, default=300)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--body", default='{"content": "测试"}')
    ap.add_argument("--token")
    args = ap.parse_args()
    print(json.dumps(asyncio.run(run(args.url, json.loads(args.body), args.rate, args.seconds, args.token))))


if __name__ == "__main__":
    main()
