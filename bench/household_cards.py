"""A village's household cards: the registration forms (or handbooks) of 300 households as one PDF.

    .venv/bin/python bench/household_cards.py                      # registration forms
    .venv/bin/python bench/household_cards.py --kind handbook --copies 2

A fresh SQLite county (the demo seeder; 12,000 households make 300 per village); the first
village's every household in every review state is printed. The printing runs in a process of its
own, so its peak memory is the printing's alone: the context (the documents read and labelled),
the HTML (Jinja), the PDF (WeasyPrint), wall and CPU time of each. No target is set; the figures
say what a township waits for when it prints a village.
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

STATES = ["draft", "submitted", "returned", "approved", "accepted"]
SECRET = "bench-secret-key-0123456789abcdef0123"


def _app(database: Path):
    from server.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": SECRET})


def seed(database: Path, households: int) -> None:
    from flask_migrate import upgrade

    from server.demo import seed as make_county

    with _app(database).app_context():
        upgrade()
        stats = make_county(households=households)
    print(f"county: {stats['households']} households, {stats['villages']} villages")


def render(database: Path, kind: str, copies: int) -> None:
    """In its own process: one village's cards, timed step by step, and the peak memory."""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import Area
    from server.reports import people, people_render

    with _app(database).app_context():
        village = db.session.scalar(select(Area).where(Area.level == "village").order_by(Area.code))
        steps = {}
        clock = (time.perf_counter(), time.process_time())
        context = people.build(kind, 1, village.code, STATES, copies=copies, all_households=True)
        steps["context"], clock = _lap(clock)
        page = people_render.html(context)
        steps["HTML (Jinja)"], clock = _lap(clock)
        data = people_render.pdf(context)
        steps["PDF (WeasyPrint)"], clock = _lap(clock)
    out = database.parent / f"{kind}.pdf"
    out.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
    households = len(context["households"])
    print(
        f"{village.name}: {households} households × {copies} {'copies' if copies > 1 else 'copy'}"
        f" of the {kind} → {pages} pages, {len(data) // 1024} KB, HTML {len(page) // 1024} KB"
    )
    for step, (wall, cpu) in steps.items():
        print(f"  {step}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    total = sum(wall for wall, _ in steps.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"  total {total:.1f} s ({1000 * total / int(pages):.0f} ms a page), "
        f"peak memory of the printing process {peak} MB (no target: reported)"
    )


def _lap(clock):
    now = (time.perf_counter(), time.process_time())
    return (now[0] - clock[0], now[1] - clock[1]), now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=12000)
    parser.add_argument("--kind", choices=["registration", "handbook"], default="registration")
    parser.add_argument("--copies", type=int, choices=[1, 2], default=1)
    parser.add_argument("--render", type=Path, help=argparse.SUPPRESS)  # the child's database
    args = parser.parse_args()
    if args.render:
        render(args.render, args.kind, args.copies)
        return
    database = Path(tempfile.mkdtemp()) / "cards.db"
    seed(database, args.households)
    child = [sys.executable, __file__, "--render", str(database), "--kind", args.kind]
    subprocess.run([*child, "--copies", str(args.copies)], check=True)


if __name__ == "__main__":
    main()
