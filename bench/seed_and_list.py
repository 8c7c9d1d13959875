"""How long a county takes to seed, and a village's page through the API to answer.

    .venv/bin/python bench/seed_and_list.py                 # SQLite, in a fresh temporary file
    .venv/bin/python bench/seed_and_list.py --postgres      # PostgreSQL (scripts/postgres.sh)
    .venv/bin/python bench/seed_and_list.py --households 20000 --requests 500

1. Seeding: a fresh, migrated database; `server.demo.seed(households=N)` timed end to end
   (generation, summaries, bulk inserts, commit). Target: under 60 s for 100,000 on SQLite.
2. Listing: gunicorn on loopback with 2 sync workers, as production runs it; demo-surveyor logs in
   and `GET /api/households?village=<id>&per_page=50` is timed N times, one after another, from
   this process (so the figure includes HTTP, JWT, the user lookup, the area check, the count and
   the page query). Target: p50 under 50 ms.

On PostgreSQL the bench uses its own database, `ruhu_bench`, created next to the test database and
emptied on every run; the test database is never touched.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer  # noqa: E402

TARGET_SEED_SECONDS = 60
TARGET_P50_MS = 50
SECRET = "bench-secret-key-" + "0123456789abcdef" * 2  # HS256 wants 32 bytes or more


def postgres_url() -> str:
    """A URL for the `ruhu_bench` database, made beside the one scripts/postgres.sh prints."""
    from sqlalchemy import create_engine, text

    base = subprocess.run(
        [str(ROOT / "scripts" / "postgres.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = 'ruhu_bench'"))
        if not exists:
            conn.execute(text("CREATE DATABASE ruhu_bench"))
    engine.dispose()
    return base.rsplit("/", 1)[0] + "/ruhu_bench"


def seed(url: str, households: int) -> dict:
    """Migrate an empty database and seed it; returns the seeder's counts and the seconds."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from server.app import create_app
    from server.demo import seed as make_county
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        started = time.perf_counter()
        stats = make_county(households=households)
        stats["wall_seconds"] = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return stats


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_listing(base: str, n: int) -> dict:
    login = requests.post(
        f"{base}/api/auth/login", json={"username": "demo-surveyor", "password": "demo12345"}
    )
    login.raise_for_status()
    body = login.json()
    village = next(a["id"] for a in body["user"]["areas"] if a["level"] == "village")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {body['access_token']}"
    url = f"{base}/api/households?village={village}&per_page=50"
    for _ in range(10):  # warm both workers' connections and caches
        session.get(url).raise_for_status()
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        response = session.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    page = response.json()
    return {
        "village": village,
        "total": page["total"],
        "items": len(page["items"]),
        "p50": statistics.median(timings),
        "p95": percentile(timings, 95),
        "max": max(timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL, not SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ruhu-bench-") as tmp:
        if args.postgres:
            url, label = postgres_url(), "PostgreSQL"
        else:
            url, label = f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite"
        print(f"== {label}: seeding {args.households:,} households ==", flush=True)
        stats = seed(url, args.households)
        verdict = "OK" if stats["wall_seconds"] < TARGET_SEED_SECONDS else "SLOWER THAN TARGET"
        print(
            f"seeded {stats['households']:,} households, {stats['members']:,} members "
            f"in {stats['wall_seconds']:.1f} s  (target < {TARGET_SEED_SECONDS} s: {verdict})",
            flush=True,
        )

        with LiveServer(Path(tmp), database_url=url, workers=args.workers) as server:
            result = time_listing(server.start().base, args.requests)
        verdict = "OK" if result["p50"] < TARGET_P50_MS else "SLOWER THAN TARGET"
        print(
            f"GET /api/households?village={result['village']}&per_page=50 "
            f"({result['items']} of {result['total']} households), {args.requests} requests, "
            f"gunicorn {args.workers} workers: p50 {result['p50']:.1f} ms, "
            f"p95 {result['p95']:.1f} ms, max {result['max']:.1f} ms  "
            f"(target p50 < {TARGET_P50_MS} ms: {verdict})"
        )


if __name__ == "__main__":
    main()
