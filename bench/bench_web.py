"""Benchmark: page times with 20 concurrent signed-in users browsing the web app.

    python bench/bench_web.py /tmp/region6 --users 20 --seconds 60     # goal: p95 <= 300 ms

The workspace must hold a built framework and analyses (`ceintel build`, `ceintel analyse`).
The script starts `ceintel serve --workers 2` (one per core) in its own process, signs in one account per simulated user (analysts and
strategic leads, half each) and lets each user request the
main pages in a loop, pausing ``--think`` seconds (0.5 to 1.5 × think, default 1 s)
on each page as a person browsing would; ``--think 0`` is a stress test.
Before the timed period every user opens each page once, one after another:
the slowest of those first views after a build is reported apart (each
worker keeps what a page builds until the next framework or analysis build). Before the timed period, the first analyst and the first strategic
lead open each page once; those first views are reported apart (pages keep
what they build until the next framework or analysis build). The load tool is this script (httpx, asyncio): every request's time
is measured from send to the last byte. Prints p50/p95/p99 per page and over
all pages as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PAGES = ["/", "/framework", "/framework/children_cse", "/framework/missing_episodes?period_kind=month",
         "/framework/children_exploitation_rate?breakdown=sex", "/places", "/journeys", "/networks", "/data",
         "/maturity", "/actions", "/narratives"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_users(workspace: Path, n: int, store: str) -> list[tuple[str, str]]:
    code = f"""
import sys
from ceintel.web.users import add
url = {store!r}
for line in sys.stdin:
    name, role, pw = line.split()
    try:
        add(url, name, role, pw)
    except ValueError:
        pass
"""
    users = [(f"bench{i:02d}", "analyst" if i % 2 else "strategic_lead", secrets.token_urlsafe(12)) for i in range(n)]
    subprocess.run([sys.executable, "-c", code], input="\n".join(" ".join(u) for u in users), text=True, check=True)
    return [(u[0], u[2]) for u in users]


async def sign_in(client: httpx.AsyncClient, name: str, password: str) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = await client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"})
    if r.status_code not in (200, 303) or "ceintel_session" not in client.cookies:
        raise SystemExit(f"sign-in failed for {name}: {r.status_code}")


async def user(base: str, name: str, password: str, until: float, times: dict[str, list[float]],
               errors: list[str], think: float) -> None:
    async with httpx.AsyncClient(base_url=base, follow_redirects=False, timeout=30) as client:
        await sign_in(client, name, password)
        i = secrets.randbelow(len(PAGES))
        while time.perf_counter() < until:
            page = PAGES[i % len(PAGES)]
            i += 1
            t = time.perf_counter()
            r = await client.get(page)
            _ = r.content
            times.setdefault(page, []).append(time.perf_counter() - t)
            if r.status_code not in (200, 403):
                errors.append(f"{page}: {r.status_code}")
            if think:
                await asyncio.sleep(think * (0.5 + secrets.randbelow(1000) / 1000))  # 0.5 to 1.5 × think


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


async def first_views(base: str, users: list[tuple[str, str]]) -> dict[str, int]:
    """Every user opens each page once, one user after another: the first views after a build (each worker
    builds and keeps what a page needs until the next framework or analysis build). Reported apart."""
    out: dict[str, int] = {}
    for name, password in users:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            await sign_in(client, name, password)
            for page in PAGES:
                t = time.perf_counter()
                await client.get(page)
                ms = round((time.perf_counter() - t) * 1000)
                out[page] = max(out.get(page, 0), ms)
    return out


async def run(base: str, users: list[tuple[str, str]], seconds: float, think: float) -> dict:
    times: dict[str, list[float]] = {}
    errors: list[str] = []
    cold = await first_views(base, users)
    until = time.perf_counter() + seconds
    await asyncio.gather(*(user(base, n, p, until, times, errors, think) for n, p in users))
    every = [t for v in times.values() for t in v]
    return {
        "requests": len(every), "errors": len(errors), "error_examples": errors[:5],
        "p50_ms": round(pct(every, 50)), "p95_ms": round(pct(every, 95)), "p99_ms": round(pct(every, 99)),
        "requests_per_second": round(len(every) / seconds, 1),
        "slowest_first_view_ms": cold,
        "pages": {p: {"n": len(v), "p50_ms": round(pct(v, 50)), "p95_ms": round(pct(v, 95)),
                      "mean_ms": round(statistics.mean(v) * 1000)} for p, v in sorted(times.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds a user reads a page before the next (0: no pause, a stress test)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (ceintel serve --workers)")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        store = f"sqlite:///{Path(tmp) / 'app.db'}"
        users = make_users(args.workspace, args.users, store)
        env = {**__import__("os").environ, "CEINTEL_STORE_URL": store}
        server = subprocess.Popen([sys.executable, "-m", "ceintel", "serve", str(args.workspace), "--port", str(port),
                                   "--insecure-cookies", "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            result = asyncio.run(run(base, users, args.seconds, args.think))
        finally:
            server.terminate()
            server.wait(10)
    result.update({"workspace": str(args.workspace), "users": args.users, "seconds": args.seconds,
                   "think_seconds": args.think, "workers": args.workers})
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
