"""The push rate of this tree beside another commit's, in one run: `bench/sync_push.py` in each,
alternately, so both meet the same machine (a change of structure must not cost speed).

    .venv/bin/python bench/push_compare.py --before 1ccd0f2 [--rounds 2] [--postgres]

The other commit is checked out in a temporary git worktree and run with this tree's virtualenv.
Prints each run's operations per second and server CPU per operation (the steadier figure on a
busy machine), then the medians side by side.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATE = re.compile(r"^\s+(SQLite|PostgreSQL)\s+(\d+) ops/s")
CPU = re.compile(r"CPU per operation: server ([\d.]+) ms")


def one_run(tree: Path, leg: str) -> dict[str, tuple[float, float]]:
    """{engine: (ops/s, server ms CPU per op)} of one run of the push bench in `tree`."""
    out = subprocess.run(
        [sys.executable, "bench/sync_push.py", f"--{leg}", "--no-pouchdb"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if out.returncode:
        raise SystemExit(f"bench failed in {tree}:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    figures, engine = {}, None
    for line in out.stdout.splitlines():
        if m := RATE.match(line):
            engine, rate = m.group(1), float(m.group(2))
            figures[engine] = (rate, 0.0)
        elif (m := CPU.search(line)) and engine:
            figures[engine] = (figures[engine][0], float(m.group(1)))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    leg = "postgres" if args.postgres else "sqlite"
    with tempfile.TemporaryDirectory(prefix="ruhu-before-") as tmp:
        before = Path(tmp) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(before), args.before],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            runs: dict[str, list] = {"before": [], "after": []}
            for n in range(args.rounds):
                for name, tree in (("before", before), ("after", ROOT)):
                    figures = one_run(tree, leg)
                    runs[name].append(figures)
                    for engine, (rate, cpu) in figures.items():
                        print(
                            f"round {n + 1} {name:<6} {engine:<10} {rate:6.0f} ops/s  "
                            f"server CPU {cpu:.2f} ms/op",
                            flush=True,
                        )
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT)
    print(f"\nMedians over {args.rounds} rounds (before = {args.before}, after = this tree)")
    for engine in sorted({e for r in runs["after"] for e in r}):
        cells = []
        for name in ("before", "after"):
            rates = [r[engine][0] for r in runs[name] if engine in r]
            cpus = [r[engine][1] for r in runs[name] if engine in r]
            cells.append(
                f"{name} {statistics.median(rates):6.0f} ops/s "
                f"{statistics.median(cpus):.2f} ms CPU/op"
            )
        print(f"  {engine:<10} " + "   ".join(cells) + "   (target: after ≈ before)")


if __name__ == "__main__":
    main()
