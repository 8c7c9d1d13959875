"""Microseconds per `derived_columns()` and per `summarize()`: both run for every pushed operation.

A push derives the household's columns (income figures, verdicts, line flags, the head) from every
document it writes (server/households/derived.py), so this figure is part of the CPU cost of
every operation.
Prints the median over many timed batches for a seeded demo household under the exit campaign's
lines, and for a household with many members.

    .venv/bin/python bench/summary_speed.py [--batches 41] [--calls 300]
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import medians_us  # noqa: E402
from bench.validate_speed import demo_household, many_members  # noqa: E402
from server.demo import EXIT_CAMPAIGN_LINES  # noqa: E402
from server.domain.summary import summarize  # noqa: E402
from server.households.derived import derived_columns  # noqa: E402

TARGET_US = 40  # half of the ~80 µs a profiled push spent here per demo household (2026-11-23)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=41)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    typical = "seeded demo household (4 members)"  # the target applies to its derived_columns()
    calls = {}  # (household, function) -> the call
    for label, document in ((typical, demo_household()), ("many members (40)", many_members())):
        calls[label, "derived_columns()"] = partial(derived_columns, document, EXIT_CAMPAIGN_LINES)
        calls[label, "summarize()"] = partial(summarize, document, EXIT_CAMPAIGN_LINES)
    for (label, name), us in medians_us(calls, args.batches, args.calls).items():
        verdict = "OK" if us <= TARGET_US else "over"
        applies = label == typical and name == "derived_columns()"
        target = f"  (target <= {TARGET_US} µs: {verdict})" if applies else ""
        print(f"{label:36s} {name:18s} {us:7.1f} µs{target}")


if __name__ == "__main__":
    main()
