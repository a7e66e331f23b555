"""Run every benchmark in bench/ one after another with small sizes (what `make bench` does).

    python bench/run_all.py [--only pages page_weight ...] [--skip initiatives ...]
    scripts/with-postgres.sh /work/main/.venv/bin/python bench/run_all.py     # make bench

Uses the database DATABASE_URL names; without one, a temporary SQLite file (removed afterwards), so your
development database is left alone. The page benchmarks run first, on the demo content alone; the social map
and search ones then add generated facilities. Scripts listed in SMALL below get small sizes; a script added
to bench/ later runs with its own defaults, or with the arguments in a module-level ``RUN_ALL_ARGS = [...]``
list if it has one. Scripts marked PostgreSQL-only are skipped on SQLite. Exits non-zero if any script failed.
"""

import argparse
import ast
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# script -> (arguments for a short run, needs PostgreSQL)
SMALL = {
    "pages": (["--requests", "50"], False),
    "page_weight": (["--no-setup", "--full-bundle"], False),
    "community_pages": (["20"], False),
    "socialmap_data": (["2000"], False),
    "socialmap": (["--sizes", "2000", "--runs", "10"], False),
    "search": (["--facilities", "2000", "--runs", "20"], False),
    "initiatives": (["--count", "20", "--concurrency", "10", "--workers", "2"], True),
}


def scripts():
    """bench/*.py except this one and helpers (leading underscore): the known ones first, in SMALL's order."""
    found = {p.stem: p for p in BENCH.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_")}
    return [found[name] for name in SMALL if name in found] + sorted(p for name, p in found.items() if name not in SMALL)


def arguments(path):
    if path.stem in SMALL:
        return SMALL[path.stem]
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "RUN_ALL_ARGS" for t in node.targets):
            return list(ast.literal_eval(node.value)), False
    return [], False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="run only these scripts (names without .py)")
    parser.add_argument("--skip", nargs="*", default=[], help="skip these scripts")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    tmp = None
    if not env.get("DATABASE_URL"):
        tmp = tempfile.TemporaryDirectory(prefix="dichtbij-bench-")
        env["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    postgres = env["DATABASE_URL"].startswith(("postgres://", "postgresql://"))
    print(f"run_all: database {'PostgreSQL' if postgres else 'SQLite'} ({env['DATABASE_URL'].rsplit('@', 1)[-1]})", flush=True)

    results = []
    try:
        for path in scripts():
            name = path.stem
            if (args.only and name not in args.only) or name in args.skip:
                continue
            script_args, needs_postgres = arguments(path)
            if needs_postgres and not postgres:
                print(f"\n== {name}: skipped (needs PostgreSQL; run through scripts/with-postgres.sh)", flush=True)
                results.append((name, "skipped", 0))
                continue
            command = [sys.executable, str(path), *script_args]
            print(f"\n== {name}: {' '.join(['python', f'bench/{path.name}', *script_args])}", flush=True)
            started = time.perf_counter()
            code = subprocess.call(command, env=env, cwd=BENCH.parent)
            results.append((name, "ok" if code == 0 else f"FAILED ({code})", time.perf_counter() - started))
    finally:
        if tmp is not None:
            tmp.cleanup()
    print("\nrun_all summary:")
    for name, status, seconds in results:
        print(f"  {name:18} {status:12} {seconds:6.0f} s")
    return 1 if any(status.startswith("FAILED") for _, status, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
