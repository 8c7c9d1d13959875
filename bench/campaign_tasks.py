"""The county's long tasks on a whole campaign: verdicts recomputed after a line changed, every
family carried forward into a new campaign, and a large village accepted.

    .venv/bin/python bench/campaign_tasks.py                     # SQLite, 20,000 households
    .venv/bin/python bench/campaign_tasks.py --households 100000

A fresh SQLite county (the demo seeder), in this process, through the services the desk and the
API call (server/campaigns/recompute.py, carry.py, server/review/villages.py):

1. the exit line moved from 4000 to 12000 yuan and back: every household of the campaign read,
   its verdicts computed, those that moved written (verdict columns and change sequence);
2. a new campaign started from the exit campaign: one household per family, through the writer;
3. one village's households approved (set up directly, not timed), submitted and accepted: every
   record accepted through the writer, one revision each, and the totals signed.

Targets beside each figure: a recompute and a carry forward are background work with progress,
so minutes are acceptable for a province; a village is accepted while the county waits.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    args = parser.parse_args()
    from flask_migrate import upgrade
    from sqlalchemy import func, select, update

    from server.app import create_app
    from server.campaigns import carry, recompute, service
    from server.demo import seed
    from server.extensions import db
    from server.models import Campaign, Household, User
    from server.review import villages

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
        n = stats["households"]
        print(f"county: {n} households, {stats['villages']} villages")

        def user(name):
            return db.session.scalar(select(User).where(User.username == name))

        lines = [dict(line) for line in service.queries.campaign_lines(1)]
        for amount in ("12000.00", "4000.00"):  # the exit line moved, and moved back
            lines[0]["amount"] = amount
            db.session.execute(
                update(Campaign).where(Campaign.id == 1).values(lines=[dict(x) for x in lines])
            )
            db.session.commit()
            started = time.perf_counter()
            counts = recompute.recompute(1)
            took = time.perf_counter() - started
            rate = counts["total"] / took
            print(
                f"recompute (exit line at {amount}): {counts['total']} households read, "
                f"{counts['changed']} changed in {took:.1f} s ({rate:,.0f} households/s; "
                f"target: 100,000 in < 120 s: {'met' if rate * 120 >= 100000 else 'NOT met'})"
            )

        county = user("demo-county")
        draft = service.next_year_draft(county, 1)
        new_id = service.create(user("demo-county"), draft)
        started = time.perf_counter()
        result = carry.carry_forward(user("demo-county"), new_id, 1)
        took = time.perf_counter() - started
        rate = result["carried"] / took
        print(
            f"carry forward: {result['carried']} households in {took:.1f} s ({rate:,.0f}/s; "
            f"target: 100,000 in < 300 s: {'met' if rate * 300 >= 100000 else 'NOT met'})"
        )

        reviewer = user("demo-reviewer")
        village_id = db.session.scalar(
            select(Household.village_id)
            .where(
                Household.campaign_id == 1,
                Household.village_id.in_(villages.visible_village_ids(reviewer)),
            )
            .group_by(Household.village_id)
            .order_by(func.count().desc())
        )
        db.session.execute(
            update(Household)
            .where(Household.campaign_id == 1, Household.village_id == village_id)
            .values(review_state="approved", conflict_open=False)
        )
        db.session.commit()
        started = time.perf_counter()
        villages.submit(user("demo-reviewer"), 1, village_id)
        submitted = time.perf_counter() - started
        started = time.perf_counter()
        out = villages.accept(user("demo-county"), 1, village_id)
        took = time.perf_counter() - started
        print(
            f"village: submitted in {1000 * submitted:.0f} ms, {out['accepted_records']} records "
            f"accepted in {took:.2f} s (target < 3 s: {'met' if took < 3 else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
