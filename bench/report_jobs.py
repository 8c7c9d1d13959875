"""Printed documents on the 100,000-household county, side by side in one run.

    .venv/bin/python bench/report_jobs.py [--db FILE] [--households 100000] [--villages 300]

The county is the demo seeder's, made once into `--db` (default /tmp/ruhu-bench-county.db) and
reused on later runs; its households are then spread over `--villages` villages (the seeder makes
40; a real county has about 300), in the bench's own file only. Measured, each beside its target:

1. The county's Annex 6 summary (every review state counted, one row per village) as HTML, then
   printed by WeasyPrint and by Debian's Chromium (`--headless --print-to-pdf`), each a whole
   process of its own on the same HTML file; WeasyPrint again with `border-collapse: collapse`
   (what the stylesheet had before) to show what `separate` saves. Peak memory: the sum of the
   proportional set sizes of the process tree, sampled every 50 ms (Chromium is many processes).
2. Through the API, a real gunicorn and a real job consumer (as `make run`): the first request
   of the same document (queued, made by the consumer, polled until done: what a user waits
   for), then the cached repeat (POST answered from the kept file, then its file fetched);
   then a household changes, the consumer's pre-render makes the table again ahead of time,
   and the user who asks for it afterwards is served the kept file.
3. The .xlsx of the county's whole household list (every household, one row each), written by
   XlsxWriter in constant_memory mode in a process of its own: time and peak memory.
4. A village's household cards: the first village's registration forms, every household, as one
   PDF, in a process of its own (`household_cards.py`'s measure): time and peak memory.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STATES = ["draft", "submitted", "returned", "approved", "accepted"]
SECRET = "bench-secret-key-0123456789abcdef0123"
CHROMIUM = os.environ.get("RUHU_CHROMIUM", "/usr/bin/chromium")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/ruhu-bench-county.db")
    parser.add_argument("--households", type=int, default=100000)
    parser.add_argument("--villages", type=int, default=300)
    parser.add_argument("--child", choices=["html", "weasyprint", "xlsx", "cards"])
    parser.add_argument("--html")
    parser.add_argument("--out")
    parser.add_argument("--stream", action="store_true")
    args = parser.parse_args()
    if args.child:
        return CHILDREN[args.child](args)
    db = Path(args.db)
    prepare(db, args.households, args.villages)
    tmp = Path(tempfile.mkdtemp(prefix="ruhu-bench-"))
    rows = []

    info = child("html", db, html=tmp / "annex6.html")
    print(f"county: {info['households']} households, {info['villages']} villages")
    print(
        f"Annex 6 summary context (SQL aggregates): {info['context_s'] * 1000:.0f} ms, "
        f"{info['rows']} rows"
    )
    html = tmp / "annex6.html"
    collapsed = tmp / "annex6-collapse.html"
    collapsed.write_text(
        html.read_text(encoding="utf-8").replace(
            "border-collapse: separate; border-spacing: 0;", "border-collapse: collapse;"
        ),
        encoding="utf-8",
    )
    weasy = measured(
        [
            sys.executable,
            __file__,
            "--child",
            "weasyprint",
            "--html",
            str(html),
            "--out",
            str(tmp / "weasy.pdf"),
            "--db",
            str(db),
        ]
    )
    weasy_inner = json.loads(weasy["stdout"])
    collapse = measured(
        [
            sys.executable,
            __file__,
            "--child",
            "weasyprint",
            "--html",
            str(collapsed),
            "--out",
            str(tmp / "collapse.pdf"),
            "--db",
            str(db),
        ]
    )
    chromium = measured(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp / 'chromium.pdf'}",
            html.as_uri(),
        ]
    )
    pages = {name: pdf_pages(tmp / f"{name}.pdf") for name in ("weasy", "collapse", "chromium")}
    met = "met" if weasy["seconds"] <= chromium["seconds"] else "NOT met"
    rows += [
        (
            "WeasyPrint, whole process",
            f"{weasy['seconds']:.2f} s, {pages['weasy']} pages, peak {weasy['peak_mb']:.0f} MB",
            f"not slower than Chromium: {met}",
        ),
        (
            "  of which the render in-process",
            f"{weasy_inner['render_s']:.2f} s (layout {weasy_inner['layout_s']:.2f} s)",
            "what a job spends",
        ),
        (
            "WeasyPrint, border-collapse: collapse",
            f"{collapse['seconds']:.2f} s, "
            f"{pages['collapse']} pages, peak {collapse['peak_mb']:.0f} MB",
            "the stylesheet before",
        ),
        (
            "Chromium print-to-pdf, whole process",
            f"{chromium['seconds']:.2f} s, "
            f"{pages['chromium']} pages, peak {chromium['peak_mb']:.0f} MB "
            f"({chromium['anon_mb']:.0f} private)",
            "",
        ),
    ]
    rows += api(db, tmp, chromium["seconds"])
    for stream in (False, True):
        rows += workbook(db, tmp, stream)
    rows += cards(db, tmp)
    width = max(len(r[0]) for r in rows)
    print()
    for name, figure, target in rows:
        print(f"{name:<{width}}  {figure:<44}  {target}")


def workbook(db: Path, tmp: Path, stream: bool) -> list[tuple[str, str, str]]:
    command = [sys.executable, __file__, "--child", "xlsx", "--db", str(db)]
    command += ["--out", str(tmp / "households.xlsx")] + (["--stream"] if stream else [])
    xlsx = measured(command)
    inner = json.loads(xlsx["stdout"])
    how = "rows streamed from the cursor" if stream else "rows built in memory first"
    return [
        (
            f".xlsx of {inner['rows']} households, {how}",
            f"{inner['write_s']:.2f} s, {inner['size'] // 1024} KB",
            f"< 15 s: {'met' if inner['write_s'] < 15 else 'NOT met'}",
        ),
        ("  reading the households before writing", f"{inner['build_s']:.2f} s", ""),
        (
            "  memory: private peak / before writing",
            f"{xlsx['anon_mb']:.0f} MB / {inner['before_anon_mb']:.0f} MB",
            f"< 150 MB: {'met' if xlsx['anon_mb'] < 150 else 'NOT met'}",
        ),
        ("  PSS peak, with the database file mapped", f"{xlsx['peak_mb']:.0f} MB", ""),
    ]


def prepare(db: Path, households: int, villages: int) -> None:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{db}", "RUHU_SECRET_KEY": SECRET}
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
    fresh = not db.exists()
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    if fresh:
        print(f"seeding {households} households into {db} (once; later runs reuse it)")
        subprocess.run(
            [*flask, "seed-demo", "--households", str(households)], cwd=ROOT, env=env, check=True
        )
    from server.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}", "SECRET_KEY": SECRET})
    with app.app_context():
        spread(villages)
        from server.extensions import db as database
        from server.models import ReportDocument

        database.session.query(ReportDocument).delete()  # every run makes its documents anew
        database.session.commit()


def spread(target: int) -> None:
    """Add villages to each township until the county has `target`, and deal every township's
    households out over its villages (the bench's own file: the demo seeder makes 40)."""
    from sqlalchemy import select, update

    from server.extensions import db
    from server.models import Area, Household

    townships = list(
        db.session.scalars(select(Area).where(Area.level == "township").order_by(Area.code))
    )
    count = db.session.query(Area).filter(Area.level == "village").count()
    if count >= target:
        return
    print(f"spreading the households over {target} villages")
    per_township = -(-target // len(townships))
    names = "东西南北上下前后中新"
    for t in townships:
        villages = list(db.session.scalars(select(Area).where(Area.parent_id == t.id)))
        stems = [v.name.removesuffix("村") for v in villages]
        n = 0
        while len(villages) < per_township:
            name = f"{names[n // len(stems) % len(names)]}{stems[n % len(stems)]}村"
            village = Area(
                parent_id=t.id, code=f"{t.code}{101 + n:03d}", name=name, level="village", path=""
            )
            db.session.add(village)
            db.session.flush()
            village.path = f"{t.path}{village.id}/"
            villages.append(village)
            n += 1
        ids = list(
            db.session.scalars(
                select(Household.id).where(Household.township_id == t.id).order_by(Household.id)
            )
        )
        for k, village in enumerate(villages):
            db.session.execute(
                update(Household)
                .where(Household.id.in_(ids[k :: len(villages)]))
                .values(village_id=village.id)
            )
    db.session.commit()


def app_on(db: str):
    from server.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}", "SECRET_KEY": SECRET})


def child_html(args) -> None:
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import Area, Household
    from server.reports import render
    from server.reports.context import build

    with app_on(args.db).app_context():
        county = db.session.scalar(select(Area).where(Area.level == "county"))
        started = time.perf_counter()
        context = build("annex6", 1, county.code, STATES)
        seconds = time.perf_counter() - started
        Path(args.html).write_text(render.html(context), encoding="utf-8")
        print(
            json.dumps(
                {
                    "context_s": seconds,
                    "rows": len(context["rows"]),
                    "households": db.session.scalar(select(func.count()).select_from(Household)),
                    "villages": db.session.scalar(
                        select(func.count()).where(Area.level == "village")
                    ),
                }
            )
        )


def child_weasyprint(args) -> None:
    from weasyprint import HTML

    from server.reports.render import TEMPLATES

    started = time.perf_counter()
    document = HTML(filename=args.html, base_url=str(TEMPLATES)).render()
    laid_out = time.perf_counter()
    document.write_pdf(args.out)
    done = time.perf_counter()
    print(json.dumps({"render_s": done - started, "layout_s": laid_out - started}))


def child_xlsx(args) -> None:
    """Every household of the county as one list, through the engine's household list (its
    line left out, so that every household is listed): the rows built in memory first, or,
    `--stream`, read from a cursor as the workbook is written (what a county's job does)."""
    from dataclasses import replace

    from sqlalchemy import select

    from server.extensions import db
    from server.models import Area
    from server.reports import annexes, render
    from server.reports.context import build, check

    with app_on(args.db).app_context():
        started = time.perf_counter()
        county = db.session.scalar(select(Area).where(Area.level == "county"))
        first = db.session.scalar(select(Area.code).where(Area.level == "village"))
        shape = build("annex6_list", 1, first, STATES)  # lead, columns, notes, parameters
        request = replace(check("annex6_list", 1, county.code, STATES), line=None)
        listed = annexes.household_list(replace(request, stream=args.stream))
        rows = listed["rows"]
        context = shape | {"rows": rows, "title": f"{county.name}农户明细表"}
        build_s = time.perf_counter() - started
        before = _anon_mb()
        started = time.perf_counter()
        data = render.xlsx(context)
        write_s = time.perf_counter() - started
        Path(args.out).write_bytes(data)
        db.session.remove()
        print(
            json.dumps(
                {
                    "rows": len(rows),
                    "build_s": build_s,
                    "write_s": write_s,
                    "size": len(data),
                    "before_anon_mb": before,
                }
            )
        )


def child_cards(args) -> None:
    """The first village's registration forms, every household, as one PDF (what a township
    prints for a village): `household_cards.py`'s measure, on this county."""
    from bench.household_cards import measure

    m = measure(Path(args.db), "registration", 1, Path(args.out))
    print(json.dumps({k: m[k] for k in ("village", "households", "pages", "size", "seconds")}))


def _anon_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return 0.0


CHILDREN = {
    "html": child_html,
    "weasyprint": child_weasyprint,
    "xlsx": child_xlsx,
    "cards": child_cards,
}


def cards(db: Path, tmp: Path) -> list[tuple[str, str, str]]:
    command = [sys.executable, __file__, "--child", "cards", "--db", str(db)]
    run = measured(command + ["--out", str(tmp / "registration.pdf")])
    inner = json.loads(run["stdout"])
    return [
        (
            f"a village's registration forms ({inner['households']} households), one PDF",
            f"{inner['seconds']:.1f} s, {inner['pages']} pages, {inner['size'] // 1024} KB, "
            f"peak {run['peak_mb']:.0f} MB ({run['anon_mb']:.0f} private)",
            "no target: reported",
        )
    ]


def child(name: str, db: Path, **paths) -> dict:
    extra = [x for k, v in paths.items() for x in (f"--{k}", str(v))]
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, "--db", str(db), *extra],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def _tree(pid: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [p for p, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(proportional set size, anonymous memory) of one process: the second leaves out the
    database file SQLite maps into memory (shared page cache, given back under pressure)."""
    pss = anon = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Anonymous:"):
                anon = int(line.split()[1])
    except OSError:
        pass
    return pss, anon


def measured(command: list[str]) -> dict:
    """Run a whole process; its wall time and the peaks of its tree's summed PSS and anonymous
    memory, sampled every 50 ms."""
    peak, stop = [0, 0], threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)

    def sample():
        while not stop.is_set():
            figures = [_memory_kb(p) for p in _tree(process.pid)]
            peak[0] = max(peak[0], sum(f[0] for f in figures))
            peak[1] = max(peak[1], sum(f[1] for f in figures))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, _ = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({process.returncode})")
    return {
        "seconds": seconds,
        "peak_mb": peak[0] / 1024,
        "anon_mb": peak[1] / 1024,
        "stdout": stdout.decode(),
    }


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next((line.split()[1] for line in out.splitlines() if line.startswith("Pages:")), 0))


def api(db: Path, tmp: Path, chromium_s: float) -> list[tuple[str, str, str]]:
    """The same document through a real gunicorn and consumer: first, then cached."""
    import requests

    from tests.live import LiveServer

    class WithConsumer(LiveServer):
        @property
        def env(self) -> dict:
            return super().env | {"RUHU_CONSUMER": "1"}

    server = WithConsumer(tmp, database_url=f"sqlite:///{db}", workers=2)
    with server:
        server.start()
        http = requests.Session()
        http.headers.update(server.headers("demo-county"))
        county = "610526"
        body = {"report": "annex6", "campaign_id": 1, "area": county, "states": STATES}
        started = time.perf_counter()
        first = http.post(f"{server.base}/api/reports/jobs", json=body, timeout=60)
        assert first.status_code == 202, first.text
        job = first.json()
        while job["status"] not in ("done", "failed"):
            time.sleep(0.1)
            job = http.get(f"{server.base}{first.headers['Location']}", timeout=60).json()
        waited = time.perf_counter() - started
        assert job["status"] == "done", job
        posts, files = [], []
        for _ in range(20):
            t = time.perf_counter()
            again = http.post(f"{server.base}/api/reports/jobs", json=body, timeout=60)
            posts.append(time.perf_counter() - t)
            assert again.status_code == 200 and again.json()["id"] == job["id"]
            t = time.perf_counter()
            data = http.get(f"{server.base}{job['file_url']}", timeout=60).content
            files.append(time.perf_counter() - t)
            assert len(data) == job["size"]
        ahead_s, asked_s = after_a_change(server, db, tmp, body)
    both = [a + b for a, b in zip(posts, files, strict=True)]
    median = statistics.median(both) * 1000
    return [
        (
            "first request via the job (user waits)",
            f"{waited:.2f} s, {job['size'] // 1024} KB",
            "vs Chromium's whole process above",
        ),
        (
            "cached repeat: POST + file, median / max",
            f"{median:.0f} ms / {max(both) * 1000:.0f} ms"
            f" (POST {statistics.median(posts) * 1000:.0f} ms)",
            f"< 50 ms: {'met' if median < 50 else 'NOT met'}",
        ),
        (
            "after a household changed: made ahead by the consumer",
            f"{ahead_s:.2f} s, while nobody waits",
            "",
        ),
        (
            "  then asked for: POST + file",
            f"{asked_s * 1000:.0f} ms",
            f"not slower than Chromium: {'met' if asked_s <= chromium_s else 'NOT met'}",
        ),
    ]


def after_a_change(server, db: Path, tmp: Path, body: dict) -> tuple[float, float]:
    """A township approves a household, so the county's table is out of date; the data then
    stays still. The consumer's periodic pre-render (every few minutes) is called here twice in
    its place: the first look sees the data moving, the second finds it still and queues the
    table, which the consumer makes. Returned: the seconds until it was made, and what the user
    who asks for it afterwards waits (the POST and its file)."""
    import requests
    from sqlalchemy import select

    from server.app import create_app
    from server.extensions import db as database
    from server.models import ReportDocument
    from server.reports import jobs

    reviewer = requests.Session()
    reviewer.headers.update(server.headers("demo-reviewer"))
    queue = reviewer.get(
        f"{server.base}/api/review/queue",
        params={"campaign": body["campaign_id"], "state": "submitted"},
        timeout=60,
    ).json()
    item = queue["items"][0]
    decided = reviewer.post(
        f"{server.base}/api/households/{item['id']}/review",
        json={"action": "approve", "base_version": item["version"]},
        timeout=60,
    )
    assert decided.ok, decided.text
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}",
            "SECRET_KEY": SECRET,
            "RUHU_QUEUE_FILE": str(tmp / "queue.db"),
        }
    )
    with app.app_context():
        jobs.prerender()  # the first look: the data moved since the last
        started = time.perf_counter()
        assert jobs.prerender() >= 1, "the pre-render queued nothing"
        made = select(ReportDocument).where(
            ReportDocument.ahead.is_(True), ReportDocument.status == "done"
        )
        while database.session.scalar(made) is None:
            database.session.rollback()
            time.sleep(0.1)
            assert time.perf_counter() - started < 300, "the pre-render did not finish"
        ahead = time.perf_counter() - started
    http = requests.Session()
    http.headers.update(server.headers("demo-county"))
    started = time.perf_counter()
    asked = http.post(f"{server.base}/api/reports/jobs", json=body, timeout=60)
    assert asked.status_code == 200, asked.text  # kept: no job to wait for
    data = http.get(f"{server.base}{asked.json()['file_url']}", timeout=60).content
    assert len(data) == asked.json()["size"]
    return ahead, time.perf_counter() - started


if __name__ == "__main__":
    main()
