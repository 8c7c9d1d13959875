"""The county's tables: WeasyPrint against Chromium, and a long household list as .xlsx.

    .venv/bin/python bench/reports.py --households 20000

A fresh SQLite county (the demo seeder); the county's Annex 6 summary of the 2019 look-back (the
campaign whose 4500 and 5000 lines annexes 4–6 count), every review state counted so the table
is full. WeasyPrint renders the PDF in this
process; Chromium (`/usr/bin/chromium --headless --print-to-pdf`) prints the same HTML, whole
process. Then the .xlsx of every village's Annex 6 household list as one sheet, with its time and
the peak memory of this process. Targets beside each figure.
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATES = ["draft", "submitted", "returned", "held", "approved", "accepted"]
LOOK_BACK = 2  # the demo's 2019 look-back campaign


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from server.app import create_app
    from server.demo import seed
    from server.reports import queries, render
    from server.reports.context import build

    tmp = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "SECRET_KEY": "bench-secret-key-0123456789abcdef0123",
        }
    )
    with app.app_context():
        upgrade()
        stats = seed(households=args.households)
        print(f"county: {stats['households']} households, {stats['villages']} villages")
        from sqlalchemy import select

        from server.extensions import db
        from server.models import Area

        county = db.session.scalar(select(Area).where(Area.level == "county"))
        started = time.perf_counter()
        context = build("annex6", LOOK_BACK, county.code, STATES)
        print(f"context (SQL aggregates): {1000 * (time.perf_counter() - started):.0f} ms")
        started = time.perf_counter()
        data = render.pdf(context)
        weasy = time.perf_counter() - started
        print(f"WeasyPrint PDF: {weasy:.2f} s, {len(data) // 1024} KB")
        page = tmp / "annex6.html"
        page.write_text(render.html(context), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [
                "/usr/bin/chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp / 'chromium.pdf'}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
        chromium = time.perf_counter() - started
        print(
            f"Chromium PDF (whole process): {chromium:.2f} s  "
            f"(target: WeasyPrint not slower: {'met' if weasy <= chromium else 'NOT met'})"
        )
        rows = []
        for _, village in queries.villages_in(county):
            listed = build("annex6_list", LOOK_BACK, village.code, STATES)
            rows += [r for r in listed["rows"] if r["kind"] == "household"]
        whole = dict(listed, rows=rows)
        started = time.perf_counter()
        book = render.xlsx(whole)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(
            f".xlsx of {len(rows)} listed households: {seconds:.2f} s, {len(book) // 1024} KB, "
            f"process peak {peak} MB (target for 100,000: < 15 s, < 150 MB)"
        )


if __name__ == "__main__":
    main()
