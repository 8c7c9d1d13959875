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


def measure(database: Path, kind: str, copies: int, out: Path) -> dict:
    """One village's cards into `out`, timed step by step: (wall, CPU) seconds of each step."""
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
    out.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
    return {
        "village": village.name,
        "households": len(context["households"]),
        "pages": int(pages),
        "size": len(data),
        "html_size": len(page),
        "steps": steps,
        "seconds": sum(wall for wall, _ in steps.values()),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def render(database: Path, kind: str, copies: int) -> None:
    """In its own process: one village's cards, and the peak memory of the printing."""
    m = measure(database, kind, copies, database.parent / f"{kind}.pdf")
    print(
        f"{m['village']}: {m['households']} households × {copies} "
        f"{'copies' if copies > 1 else 'copy'} of the {kind} → {m['pages']} pages, "
        f"{m['size'] // 1024} KB, HTML {m['html_size'] // 1024} KB"
    )
    for step, (wall, cpu) in m["steps"].items():
        print(f"  {step}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(
        f"  total {m['seconds']:.1f} s ({1000 * m['seconds'] / m['pages']:.0f} ms a page), "
        f"peak memory of the printing process {m['peak_mb']} MB (no target: reported)"
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
