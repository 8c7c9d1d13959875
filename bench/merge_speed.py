"""Microseconds per three-way `merge()` and per `diff()`: the merge runs once per stale operation.

A pushed operation edited from an old version is merged with the server's current document
(server/sync/merge.py), so this figure is part of the CPU cost of every stale push. The case is
what a push meets: base and server are parsed separately from the database, the device document is
`apply(base, changes)` (as `merge_changes` makes it, sharing what the device did not touch). The
server changed an income item and a member's name; the device changed the phone, another income
item and a member's answer. Prints the median over many timed batches for the seeded demo
household and a household with many members.

    .venv/bin/python bench/merge_speed.py [--batches 41] [--calls 300]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_us  # noqa: E402
from bench.validate_speed import demo_household, many_members  # noqa: E402
from server.sync.merge import merge  # noqa: E402
from server.sync.paths import apply, diff  # noqa: E402

TARGET_US = 100  # a typical merge, so that merging is a small part of a stale push


def stale_push(document: dict, edited_members: int) -> tuple[dict, dict, dict]:
    """(base, server, device): both sides edited ``document``, each in its own members."""
    members = [row["id"] for row in document["members"]]
    server_changes = {"income.wage_local": "8123.00"}
    device_changes = {"household.phone": "13912345678", "income.transfer_other": "640.00"}
    for n in range(edited_members):
        server_changes[f"members.{members[n]}.name"] = f"王{n}"
        device_changes[f"members.{members[-1 - n]}.political"] = "中共党员"
    parsed = orjson.loads(orjson.dumps(document))
    base = orjson.loads(orjson.dumps(document))
    server = orjson.loads(orjson.dumps(apply(parsed, server_changes)))
    return base, server, apply(base, device_changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=41)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    cases = [  # (label, (base, server, device), typical: the target applies)
        ("seeded demo household (4 members)", stale_push(demo_household(), 1), True),
        ("many members (40), 2 edited per side", stale_push(many_members(), 2), False),
    ]
    for label, (base, server, device), typical in cases:
        calls = {
            "merge()": lambda b=base, s=server, d=device: merge(b, s, d),
            "diff(base, server)": lambda b=base, s=server: diff(b, s),
            "diff(base, device)": lambda b=base, d=device: diff(b, d),
        }
        for name, call in calls.items():
            us = median_us(call, args.batches, args.calls)
            verdict = "OK" if us <= TARGET_US else "over"
            typical_merge = typical and name == "merge()"
            target = f"  (target <= {TARGET_US} µs: {verdict})" if typical_merge else ""
            print(f"{label:38s} {name:20s} {us:8.1f} µs{target}")


if __name__ == "__main__":
    main()
