"""Benchmarks: run each, time it, write the results as JSON and print a short table.

    .venv/bin/python bench/run.py                          # every benchmark, default sizes
    .venv/bin/python bench/run.py load_demo --devices 100000
    .venv/bin/python bench/run.py --list

Each benchmark runs `manage.py` commands in a fresh process against the database in DATABASE_URL
(default: the embedded SQLite), exactly as a user would, and reports wall-clock seconds. Results go to
var/bench/<timestamp>.json and var/bench/latest.json (or --json PATH).

Adding a benchmark: write `def bench_<name>(args) -> list[Result]` and decorate it with @benchmark.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCHMARKS: dict[str, Callable[[argparse.Namespace], list["Result"]]] = {}


@dataclass
class Result:
    benchmark: str
    case: str
    seconds: float
    ok: bool = True
    details: dict = field(default_factory=dict)


def benchmark(fn: Callable[[argparse.Namespace], list[Result]]) -> Callable[[argparse.Namespace], list[Result]]:
    BENCHMARKS[fn.__name__.removeprefix("bench_")] = fn
    return fn


def manage(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    """Run a manage.py command in a fresh process; return its wall time and the finished process."""
    started = time.perf_counter()
    process = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, process


def _phases(stdout: str) -> dict:
    """`demo loaded in 31.2s (build 6.0s, validate 9.1s, write 15.8s)` → {"build": 6.0, ...} plus row counts."""
    details: dict = {}
    match = re.search(r"demo loaded in ([\d.]+)s \((.*)\)", stdout)
    if match:
        details["command_seconds"] = float(match.group(1))
        for name, seconds in re.findall(r"(\w+) ([\d.]+)s", match.group(2)):
            details[f"{name}_seconds"] = float(seconds)
    total = re.search(r"total: (\d+) created / (\d+) changed", stdout)
    if total:
        details["rows_created"], details["rows_changed"] = int(total.group(1)), int(total.group(2))
    return details


@benchmark
def bench_load_demo(args: argparse.Namespace) -> list[Result]:
    """`load_demo --devices N` on the current database, then again (the idempotent re-run)."""
    results = []
    for case in ("first load", "re-run"):
        seconds, process = manage("load_demo", "--devices", str(args.devices), "--no-progress")
        details = {"devices": args.devices, **_phases(process.stdout)}
        if process.returncode:
            details["error"] = process.stderr.strip().splitlines()[-20:]
        results.append(Result("load_demo", f"{case}, {args.devices} devices", seconds, process.returncode == 0,
                              details))
        if process.returncode:
            break
    return results


def _database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "sqlite (embedded)"
    return re.sub(r"//[^@/]*@", "//", url)  # never record credentials


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--devices", type=int, default=100_000, help="devices for load_demo (default 100000)")
    parser.add_argument("--json", type=Path, help="where to write the results (default var/bench/<timestamp>.json)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args()
    if args.list:
        for name, fn in BENCHMARKS.items():
            print(f"{name:<20} {(fn.__doc__ or '').strip()}")
        return 0
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; see --list")

    results: list[Result] = []
    for name in args.names or list(BENCHMARKS):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results += BENCHMARKS[name](args)

    started = dt.datetime.now(dt.UTC)
    report = {
        "when": started.isoformat(timespec="seconds"),
        "database": _database(),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "results": [asdict(r) for r in results],
    }
    out = args.json or ROOT / "var" / "bench" / f"{started:%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    if args.json is None:
        (out.parent / "latest.json").write_text(out.read_text())

    width = max([len(f"{r.benchmark}: {r.case}") for r in results] + [9])
    print(f"{'benchmark':<{width}}  {'seconds':>8}  ok")
    for r in results:
        print(f"{r.benchmark + ': ' + r.case:<{width}}  {r.seconds:>8.1f}  {'yes' if r.ok else 'NO'}")
    print(f"database: {report['database']}; results in {out}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
