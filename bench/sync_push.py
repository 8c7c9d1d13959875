"""Push throughput against PouchDB replicating the same data, and the cost of a village pull.

Seeds a county (12,000 households: 300 per village), starts `gunicorn -w 4` on loopback, and pushes
10,000 household operations with member rows, in batches of 200 from 4 phones at once: the first
half fast-forward (each edits its household's current version), the second half stale (edited from
the version before, so the server merges). Prints operations per second and p50/p95 batch latency
for SQLite and PostgreSQL, then the size (raw and gzip) and time of pulling one 300-household
village, then replicates the same 10,000 documents from a PouchDB client into pouchdb-server.

    .venv/bin/python bench/sync_push.py              # SQLite, and PostgreSQL when it is available
    .venv/bin/python bench/sync_push.py --sqlite     # SQLite only
    .venv/bin/python bench/sync_push.py --postgres   # PostgreSQL only (scripts/postgres.sh)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import requests
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.domain import idcard  # noqa: E402
from server.domain.sample import newborn  # noqa: E402
from server.sync.paths import apply  # noqa: E402
from tests.live import LiveServer, free_port  # noqa: E402

OPS, BATCH, PHONES, HOUSEHOLDS = 10_000, 200, 4, 12_000
WORKERS = int(os.environ.get("RUHU_BENCH_WORKERS", "4"))
NODE = ROOT / "bench" / "node"


def new_member(n: int) -> dict:
    birth = date(2019, 1, 1) + timedelta(days=n % 600)
    id_number = idcard.make("610526", birth, (n // 600) * 2 % 998 + 2)
    return newborn(str(uuid.uuid4()), "王小花", id_number)


def operations(server: LiveServer) -> tuple[list[list[dict]], list[dict]]:
    """(fast-forward ops, stale ops) for OPS/2 editable households, and the device documents."""
    engine = server.engine()
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, version, document FROM household WHERE review_state IN "
                "('draft', 'returned') ORDER BY id LIMIT :n"
            ),
            {"n": OPS // 2},
        ).all()
    engine.dispose()
    assert len(rows) == OPS // 2, "seed more households"
    fast, stale, documents = [], [], []
    for n, (household_id, version, document) in enumerate(rows):
        document = json.loads(document) if isinstance(document, str) else document
        members = document["members"]
        added = new_member(n)
        forward = {
            "income.wage_local": f"{8000 + n % 900}.00",
            f"members.{members[0]['id']}.name": members[0]["name"] + "新",
            f"members.{added['id']}": added,
        }
        behind = {
            "household.phone": f"139{n:08d}",
            "income.transfer_other": "640.00",
            f"members.{members[-1]['id']}.political": "群众",
        }
        for kind, changes in (("fast", forward), ("stale", behind)):
            op = {
                "op_id": str(uuid.uuid4()),
                "household_id": household_id,
                "base_version": version,
                "changes": changes,
            }
            (fast if kind == "fast" else stale).append(op)
            documents.append(
                {"_id": op["op_id"], "household_id": household_id, **apply(document, changes)}
            )
    return fast, stale, documents


def machine_probe() -> float:
    """Milliseconds of CPU for a fixed piece of pure Python (JSON round trips of a household).

    This machine is a share of a bigger one, and its speed drifts: the same code ran 40% slower
    one hour than the hour before. Read the figures against the probe (lower is faster)."""
    from server.domain.sample import sample_document

    text = json.dumps(sample_document(), ensure_ascii=False)
    started = time.process_time()
    for _ in range(4000):
        json.dumps(json.loads(text), ensure_ascii=False)
    return (time.process_time() - started) * 1000


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (gunicorn's workers), from /proc:
    steadier than a rate on a shared machine, whose speed drifts from one minute to the next."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for p in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def postgres_cpu_seconds() -> float:
    """CPU time of this machine's PostgreSQL: its live processes, and the backends that have exited
    (counted in the postmaster's children's time once it has reaped them)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parent = Path(f"/proc/{fields[1]}/comm").read_text().strip()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if parent != "postgres":  # the postmaster: add its reaped children
            total += int(fields[13]) + int(fields[14])
    return total / ticks


def push_all(server: LiveServer, ops: list[dict], headers: dict) -> tuple[float, list[float], dict]:
    batches = [ops[i : i + BATCH] for i in range(0, len(ops), BATCH)]
    statuses: dict[str, int] = {}

    def send(batch: list[dict]) -> tuple[float, list[dict]]:
        session = requests.Session()
        started = time.perf_counter()
        response = session.post(
            f"{server.base}/api/sync/push",
            headers=headers,
            timeout=300,
            json={"device_id": "bench", "ops": batch},
        )
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        return elapsed, response.json()["results"]

    started = time.perf_counter()
    with ThreadPoolExecutor(PHONES) as pool:
        answers = list(pool.map(send, batches))
    wall = time.perf_counter() - started
    for _, results in answers:
        for r in results:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return wall, [a for a, _ in answers], statuses


def village_pull(server: LiveServer, admin: dict) -> dict:
    """Pull one village of 300 households as a surveyor assigned only that village."""
    engine = server.engine()
    with engine.connect() as conn:
        village, count = conn.execute(
            text(
                "SELECT village_id, count(*) FROM household GROUP BY village_id "
                "ORDER BY village_id DESC LIMIT 1"
            )
        ).one()
    engine.dispose()
    name = f"bench-{uuid.uuid4().hex[:6]}"
    requests.post(
        f"{server.base}/api/admin/users",
        headers=admin,
        timeout=60,
        json={
            "username": name,
            "name": "测试",
            "role": "surveyor",
            "password": "demo12345",
            "area_ids": [village],
        },
    ).raise_for_status()
    headers = server.headers(name) | {"Accept-Encoding": "gzip"}
    session = requests.Session()
    times, raw, wire = [], 0, 0
    for _ in range(5):
        started = time.perf_counter()
        response = session.get(
            f"{server.base}/api/sync/pull",
            headers=headers,
            params={"limit": 500},
            stream=True,
            timeout=60,
        )
        body = response.raw.read(decode_content=False)
        times.append(time.perf_counter() - started)
        wire = len(body)
        data = gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body
        raw = len(data)
        page = json.loads(data)
        assert len(page["records"]) == count and not page["has_more"]
    return {
        "households": count,
        "bytes": raw,
        "wire_bytes": wire,
        "gzip_bytes": len(gzip.compress(data, 6)),
        "server_gzip": response.headers.get("Content-Encoding") == "gzip",
        "ms_median": statistics.median(times) * 1000,
        "ms_best": min(times) * 1000,
    }


def run(label: str, postgres_url: str | None) -> tuple[dict, list[dict]]:
    workdir = Path(tempfile.mkdtemp(prefix="ruhu-bench-"))
    server = LiveServer(
        workdir, postgres_url=postgres_url, workers=WORKERS, households=HOUSEHOLDS, timeout=600
    )
    try:
        print(f"[{label}] seeding {HOUSEHOLDS} households ...", flush=True)
        server.prepare().start()
        fast, stale, documents = operations(server)
        headers = server.headers("demo-county", "bench")
        server_cpu, client_cpu = cpu_seconds(server.process.pid), time.process_time()
        database_cpu = postgres_cpu_seconds() if postgres_url else 0.0
        wall_a, lat_a, st_a = push_all(server, fast, headers)
        wall_b, lat_b, st_b = push_all(server, stale, headers)
        server_cpu = cpu_seconds(server.process.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        database_cpu = postgres_cpu_seconds() - database_cpu if postgres_url else None
        latencies = sorted(lat_a + lat_b)
        figures = {
            "ops": len(fast) + len(stale),
            "seconds": wall_a + wall_b,
            "ops_per_s": (len(fast) + len(stale)) / (wall_a + wall_b),
            "fast_forward_ops_per_s": len(fast) / wall_a,
            "stale_ops_per_s": len(stale) / wall_b,
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
            "statuses": {k: st_a.get(k, 0) + st_b.get(k, 0) for k in set(st_a) | set(st_b)},
            "server_cpu_ms_per_op": server_cpu * 1000 / (len(fast) + len(stale)),
            "client_cpu_ms_per_op": client_cpu * 1000 / (len(fast) + len(stale)),
            "database_cpu_ms_per_op": None
            if database_cpu is None
            else database_cpu * 1000 / (len(fast) + len(stale)),
        }
        figures["pull"] = village_pull(server, server.headers("demo-admin"))
        return figures, documents
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def pouchdb(documents: list[dict]) -> dict:
    """Replicate the same documents from a PouchDB client into pouchdb-server (in memory)."""
    server_bin = NODE / "node_modules" / ".bin" / "pouchdb-server"
    if not server_bin.exists():
        return {"error": "run `npm ci` in bench/node first"}
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="ruhu-pouch-"))
    docs = workdir / "docs.json"
    docs.write_text(json.dumps(documents, ensure_ascii=False))
    log = open(workdir / "server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [str(server_bin), "--in-memory", "-o", "127.0.0.1", "-p", str(port), "-n"],
        cwd=workdir,
        stdout=log,
        stderr=log,
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        server_cpu = cpu_seconds(process.pid)
        out = subprocess.run(
            ["node", str(NODE / "replicate.js"), str(docs), f"http://127.0.0.1:{port}", str(BATCH)],
            capture_output=True,
            text=True,
            cwd=NODE,
            timeout=1800,
        )
        server_cpu = cpu_seconds(process.pid) - server_cpu
        if out.returncode != 0:
            return {"error": out.stderr.strip()[-500:]}
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        # the client's CPU is its own count around replicate.to(); the server's, all of it
        figures["server_cpu_ms_per_doc"] = server_cpu * 1000 / figures["docs"]
        figures["client_cpu_ms_per_doc"] = figures["client_cpu_ms"] / figures["docs"]
        return figures
    finally:
        process.terminate()
        process.wait(10)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def postgres_url() -> str | None:
    if os.environ.get("RUHU_TEST_DATABASE_URL"):
        return os.environ["RUHU_TEST_DATABASE_URL"]
    try:
        out = subprocess.run(
            [str(ROOT / "scripts" / "postgres.sh")], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip().splitlines()[-1]


def _database_cpu(r: dict) -> str:
    if r["database_cpu_ms_per_op"] is None:
        return ""
    return f", PostgreSQL {r['database_cpu_ms_per_op']:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite only")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL only")
    parser.add_argument("--no-pouchdb", action="store_true", help="skip the PouchDB comparison")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run everything this many times; print medians"
    )
    args = parser.parse_args()
    legs = []
    if not args.postgres:
        legs.append(("SQLite", None))
    if not args.sqlite:
        url = postgres_url()
        if url:
            legs.append(("PostgreSQL", url))
        elif args.postgres:
            sys.exit("PostgreSQL is not available (scripts/postgres.sh failed)")
    rounds = []
    for n in range(args.rounds):
        if args.rounds > 1:
            print(f"== round {n + 1} of {args.rounds}", flush=True)
        rounds.append(one_round(legs, not args.no_pouchdb))
    for n, results in enumerate(rounds):
        if args.rounds > 1:
            print(f"\n== round {n + 1} of {args.rounds}")
        report(results)
    if args.rounds > 1:
        print(
            f"\nMedian of {args.rounds} rounds (each system ran in every round, one after another)"
        )
        for label in rounds[0]:
            rates = [r[label].get("ops_per_s") or r[label].get("docs_per_second") for r in rounds]
            if all(rates):
                unit = "docs/s" if label == "PouchDB" else "ops/s"
                runs = ", ".join(f"{x:.0f}" for x in rates)
                print(f"  {label:<11} {statistics.median(rates):7.0f} {unit}   ({runs})")
    print(
        "\nTargets: ≥ 2,000 ops/s on SQLite; village pull < 100 ms and < 150 KB gzip; "
        "Ruhu's push faster than PouchDB replication."
    )


def one_round(legs: list, with_pouchdb: bool) -> dict:
    """Each leg, then PouchDB on the documents of the last one: one after another, so they
    share the machine's speed of those minutes (it drifts from one minute to the next)."""
    results, documents = {}, []
    for label, url in legs:
        before = machine_probe()
        results[label], documents = run(label, url)
        results[label]["probe_ms"] = (before, machine_probe())
    if with_pouchdb and documents:
        print("[PouchDB] replicating the same documents into pouchdb-server ...", flush=True)
        before = machine_probe()
        results["PouchDB"] = pouchdb(documents)
        results["PouchDB"]["probe_ms"] = (before, machine_probe())
    return results


def report(results: dict) -> None:
    print(
        f"\nSync push: {OPS} household operations with members, batches of {BATCH}, "
        f"{PHONES} phones at once, gunicorn -w {WORKERS} on loopback, {os.cpu_count()} CPUs"
    )
    for label, r in results.items():
        if label == "PouchDB":
            continue
        print(
            f"  {label:<11} {r['ops_per_s']:7.0f} ops/s   (fast-forward "
            f"{r['fast_forward_ops_per_s']:.0f}/s, stale→merge {r['stale_ops_per_s']:.0f}/s)"
            f"   batch p50 {r['p50_ms']:.0f} ms  p95 {r['p95_ms']:.0f} ms   {r['statuses']}"
        )
        print(
            f"  {'':<11} CPU per operation: server {r['server_cpu_ms_per_op']:.2f} ms "
            f"(gunicorn and its workers){_database_cpu(r)}, bench client "
            f"{r['client_cpu_ms_per_op']:.2f} ms; machine probe before/after "
            f"{r['probe_ms'][0]:.0f}/{r['probe_ms'][1]:.0f} ms (lower is faster)"
        )
    if "PouchDB" in results:
        p = results["PouchDB"]
        if "error" in p:
            print(f"  PouchDB     failed: {p['error']}")
        else:
            print(
                f"  PouchDB     {p['docs_per_second']:7.0f} docs/s  (PouchDB client → "
                f"pouchdb-server --in-memory, {p['written']} written in {p['seconds']:.1f} s)"
            )
            print(
                f"  {'':<11} CPU per document: pouchdb-server {p['server_cpu_ms_per_doc']:.2f} ms, "
                f"PouchDB client {p['client_cpu_ms_per_doc']:.2f} ms; machine probe before/after "
                f"{p['probe_ms'][0]:.0f}/{p['probe_ms'][1]:.0f} ms"
            )
    print("\nVillage pull (one page, one surveyor assigned one village)")
    for label, r in results.items():
        if label == "PouchDB":
            continue
        p = r["pull"]
        print(
            f"  {label:<11} {p['households']} households: {p['bytes'] / 1024:.0f} KB JSON, "
            f"{p['gzip_bytes'] / 1024:.0f} KB gzip (server gzip: {p['server_gzip']}, "
            f"{p['wire_bytes'] / 1024:.0f} KB on the wire), median {p['ms_median']:.0f} ms, "
            f"best {p['ms_best']:.0f} ms"
        )


if __name__ == "__main__":
    main()
