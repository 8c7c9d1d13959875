"""The review desk on the 100,000-household demo county, served by gunicorn.

    .venv/bin/python bench/desk.py [--requests 60] [--cache /tmp/ruhu-desk-100k.db] [--rebuild]

The county is seeded once (`flask seed-demo --households 100000`, about a minute) into a SQLite
file that is kept (`--cache`) and migrated on every run; each run works on a copy of it, so the
approvals it makes never reach the cache. gunicorn serves the copy with 2 workers, as in
tests/live.py. Measured one request after another, the whole round trip a browser sees:

1. the review queue page (/desk/queue, HTML) of the reviewer's township (20,000 households)
   with filters, over a rotation of filter sets (target p50 < 100 ms);
2. the county's dashboard page (/desk/dashboard, 100,000 households; target p50 < 300 ms);
3. bulk approval of 1,000 submitted households in one POST /api/review/bulk-approve
   (target < 3 s), then the revisions are counted: one per approved household.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import BIN, PASSWORD, LiveServer, _children  # noqa: E402

HOUSEHOLDS = 100_000
QUEUE_TARGET_MS, DASHBOARD_TARGET_MS, BULK_TARGET_S = 100, 300, 3.0
BULK = 1000
# A reviewer's filter sets, as the desk's form sends them (empty fields included).
QUEUE_FILTERS = [
    "state=submitted",
    "state=submitted&flag=near&sort=-income",
    "village={village}&group=一组&state=&q=",
    "exit=no&below=monitoring&page=3",
    "flag=warning&flag=unmet",
    "monitoring=any&sort=head",
    "q=yang",
    "q={household_no}",
    "state=not_visited&sort=-updated&page=10",
]


def _flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True)


def ensure_county(cache: Path, rebuild: bool) -> None:
    """The cached county, seeded when missing, migrated to this tree's head."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{cache}",
        "RUHU_SECRET_KEY": "bench-desk-secret-key-long-enough-hs256",
    }
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{cache}{suffix}").unlink(missing_ok=True)
    fresh = not cache.exists()
    if fresh:
        print(f"seeding {HOUSEHOLDS:,} households into {cache} (once; reused afterwards) ...")
        started = time.perf_counter()
    _flask(env, "db", "upgrade")
    if fresh:
        _flask(env, "seed-demo", "--households", str(HOUSEHOLDS))
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    with sqlite3.connect(cache) as conn:  # everything in the main file, so a copy is whole
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def desk_session(base: str, username: str) -> requests.Session:
    session = requests.Session()
    r = session.post(
        f"{base}/desk/login",
        data={"username": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 303, r.text[:300]
    return session


def timed(session: requests.Session, url: str, **kwargs) -> float:
    started = time.perf_counter()
    r = session.request(kwargs.pop("method", "GET"), url, timeout=60, **kwargs)
    elapsed = (time.perf_counter() - started) * 1000
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return elapsed


def server_cpu_ms(live: LiveServer) -> float:
    """CPU time used so far by gunicorn and its workers (user + system), in ms: the figure a
    busy machine does not inflate, where the wall-clock one grows with every other process."""
    total = 0
    for pid in [live.process.pid, *_children(live.process.pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def verdict(value: float, target: float) -> str:
    return "OK" if value < target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=60, help="timed requests per page (per filter set)"
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ruhu-desk-100k.db"))
    parser.add_argument("--rebuild", action="store_true", help="seed the cached county again")
    args = parser.parse_args()
    ensure_county(args.cache, args.rebuild)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "desk.db"
        shutil.copyfile(args.cache, work)
        db = sqlite3.connect(work)
        reviewer_id, township = db.execute(
            "SELECT u.id, ua.area_id FROM user_account u JOIN user_area ua ON ua.user_id = u.id"
            " WHERE u.username = 'demo-reviewer'"
        ).fetchone()
        village, household_no = db.execute(
            "SELECT village_id, household_no FROM household WHERE township_id = ?"
            " ORDER BY household_no LIMIT 1 OFFSET 777",
            (township,),
        ).fetchone()
        households = db.execute(
            "SELECT count(*) FROM household WHERE township_id = ?", (township,)
        ).fetchone()[0]
        with LiveServer(Path(tmp), database_url=f"sqlite:///{work}", workers=2) as live:
            base = live.start().base
            print(f"gunicorn, 2 workers, {HOUSEHOLDS:,} households; township: {households:,}")

            reviewer = desk_session(base, "demo-reviewer")
            urls = [
                f"{base}/desk/queue?" + f.format(village=village, household_no=household_no)
                for f in QUEUE_FILTERS
            ]
            for url in urls:  # warm up: each worker's first look at the pages and the index
                timed(reviewer, url)
                timed(reviewer, url)
            queue_times: dict[str, list[float]] = {url: [] for url in urls}
            cpu = server_cpu_ms(live)
            for n in range(args.requests * len(urls)):
                url = urls[n % len(urls)]
                queue_times[url].append(timed(reviewer, url))
            every = [t for times in queue_times.values() for t in times]
            cpu = (server_cpu_ms(live) - cpu) / len(every)
            p50, p95 = percentiles(every)
            print(
                f"review queue page of a township, filtered ({len(every)} requests over"
                f" {len(urls)} filter sets): p50 {p50:.1f} ms, p95 {p95:.1f} ms"
                f"  (target p50 < {QUEUE_TARGET_MS} ms: {verdict(p50, QUEUE_TARGET_MS)});"
                f" server CPU {cpu:.1f} ms per request"
            )
            for url, times in queue_times.items():
                one, worst = percentiles(times)
                print(f"    {url.split('?', 1)[1]:<48} p50 {one:6.1f} ms  p95 {worst:6.1f} ms")

            county = desk_session(base, "demo-county")
            url = f"{base}/desk/dashboard"
            for _ in range(3):
                timed(county, url)
            cpu = server_cpu_ms(live)
            board = [timed(county, url) for _ in range(args.requests)]
            cpu = (server_cpu_ms(live) - cpu) / len(board)
            p50, p95 = percentiles(board)
            print(
                f"county dashboard page ({len(board)} requests): p50 {p50:.1f} ms,"
                f" p95 {p95:.1f} ms  (target p50 < {DASHBOARD_TARGET_MS} ms:"
                f" {verdict(p50, DASHBOARD_TARGET_MS)}); server CPU {cpu:.1f} ms per request"
            )
            api = [timed(county, f"{base}/api/review/dashboard") for _ in range(args.requests)]
            p50, p95 = percentiles(api)
            print(
                f"    the same as JSON (/api/review/dashboard): p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            )

            ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM household WHERE township_id = ? AND review_state = 'submitted'"
                    " AND NOT conflict_open AND error_count = 0 ORDER BY id LIMIT ?",
                    (township, BULK),
                )
            ]
            revisions = db.execute("SELECT count(*) FROM revision").fetchone()[0]
            db.commit()
            token = reviewer.cookies.get("csrf_access_token")
            cpu = server_cpu_ms(live)
            started = time.perf_counter()
            r = reviewer.post(
                f"{base}/api/review/bulk-approve",
                json={"ids": ids},
                headers={"X-CSRF-TOKEN": token},
                timeout=120,
            )
            seconds = time.perf_counter() - started
            cpu = (server_cpu_ms(live) - cpu) / 1000
            assert r.status_code == 200, r.text[:500]
            outcome = r.json()
            written = db.execute("SELECT count(*) FROM revision").fetchone()[0] - revisions
            mine = db.execute(
                "SELECT count(*) FROM revision WHERE kind = 'review' AND author_id = ?"
                f" AND household_id IN ({','.join('?' * len(ids))})",
                (reviewer_id, *ids),
            ).fetchone()[0]
            approved = db.execute(
                f"SELECT count(*) FROM household WHERE review_state = 'approved'"
                f" AND id IN ({','.join('?' * len(ids))})",
                ids,
            ).fetchone()[0]
            print(
                f"bulk approve of {len(ids):,} households (one POST): {seconds:.2f} s"
                f"  (target < {BULK_TARGET_S:.0f} s: {verdict(seconds, BULK_TARGET_S)});"
                f" server CPU {cpu:.2f} s; approved {outcome['approved']},"
                f" refused {outcome['refused']}"
            )
            one_each = written == mine == approved == len(ids)
            print(
                f"    revisions written: {written} ({mine} review revisions by the reviewer on"
                f" those households), households now approved: {approved}"
                f"  ({'one revision each: OK' if one_each else 'MISMATCH'})"
            )
        db.close()


if __name__ == "__main__":
    main()
