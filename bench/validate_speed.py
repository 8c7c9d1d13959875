"""Microseconds per `validate()` call: the biggest CPU cost of a sync push.

Every pushed operation validates the device's document (and a merged one) against annex1, so this
figure bounds push throughput. Prints the median over many timed batches for a seeded demo
household (complete and draft), the sample household, and a household with many members.

    .venv/bin/python bench/validate_speed.py [--batches 41] [--calls 200]
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_us  # noqa: E402
from server import demo  # noqa: E402
from server.domain import forms, idcard  # noqa: E402
from server.domain.sample import newborn, sample_document  # noqa: E402
from server.domain.validation import validate  # noqa: E402

SURVEY = date(2020, 10, 12)
TARGET_US = 200  # the push throughput target needs about 0.15-0.2 ms per typical household


def demo_household(members: int = 4) -> dict:
    """The first seeded demo household with this many members (what `seed-demo` writes)."""
    rng = random.Random(2020)
    people = demo.People(rng)  # the seeder's own generator, without a database
    for n in range(1000):
        document = demo.household(rng, people, "610526101", n, SURVEY)
        if len(document["members"]) == members:
            return document
    raise RuntimeError(f"no demo household with {members} members")


def many_members(count: int = 40) -> dict:
    """The sample household plus babies: a large extended family, the slow end of the range."""
    document = sample_document()
    for n in range(count - len(document["members"])):
        birth = date(2019, 1, 1) + timedelta(days=n)
        number = idcard.make("610526", birth, 2 * n + 2)
        row_id = f"00000000-0000-4000-8000-{n:012d}"  # a UUID, as a phone makes them
        document["members"].append(newborn(row_id, "王小花", number))
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=41)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    definition = forms.load("annex1")
    seeded = demo_household()
    cases = [  # (label, document, complete, typical: the target applies)
        ("seeded demo household (4 members), complete", seeded, True, True),
        ("seeded demo household (4 members), draft", seeded, False, True),
        ("sample household (3 members), complete", sample_document(), True, True),
        ("many members (40), complete", many_members(), True, False),
    ]
    for label, document, complete, typical in cases:
        call = partial(
            validate, definition, document, reference_date=SURVEY, check_required=complete
        )
        us = median_us(call, args.batches, args.calls, warm_up_s=1.0)
        verdict = "OK" if us <= TARGET_US else "over"
        target = f"  (target <= {TARGET_US} µs: {verdict})" if typical else ""
        print(f"{label:46s} {us:8.1f} µs per validate(){target}")


if __name__ == "__main__":
    main()
