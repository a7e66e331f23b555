"""Measure the facility search on an evaluation set (format: shared/data/eval/SPEC.md).

    python manage.py search_eval PATH [--verbose] [--json] [--backend database|sqlite|postgresql|elasticsearch]

Where the data goes: by default into a THROWAWAY test database, created and destroyed the way Django's
test runner does it (a separate SQLite file in memory / a `test_...` PostgreSQL database), so the
configured database is never touched. With --use-current-database the set is loaded into the configured
database itself, which must hold no facilities (refused otherwise, unless --allow-existing).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from search.evalset import load_set, read_set, run_queries


class Command(BaseCommand):
    help = "Load an evaluation set into an empty database and report recall@5, MRR@10, nDCG@10 and the zero-result rate."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Folder with facilities.json and queries.json")
        parser.add_argument("--verbose", action="store_true", help="Show the results of every query")
        parser.add_argument("--json", action="store_true", help="Print one JSON object")
        parser.add_argument("--backend", default=None, help="database, sqlite, postgresql, elasticsearch or a dotted path")
        parser.add_argument("--use-current-database", action="store_true", help="Load into the configured database (must be empty)")
        parser.add_argument("--allow-existing", action="store_true", help="With --use-current-database: allow existing facilities")

    def handle(self, *args, **options):
        try:
            services, queries = read_set(options["path"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the evaluation set: {exc}") from exc
        if options["use_current_database"]:
            return self.run(services, queries, options)
        old_name = connection.settings_dict["NAME"]
        creation = connection.creation
        err = sys.stderr
        err.write(f"search_eval: loading into a throwaway test database (not {old_name}).\n")
        creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            return self.run(services, queries, options)
        finally:
            creation.destroy_test_db(old_name, verbosity=0)

    def run(self, services, queries, options):
        from socialmap.models import Facility

        if Facility.objects.exists() and not options["allow_existing"]:
            raise CommandError(
                "This database already holds facilities. search_eval needs an empty database: run it without "
                "--use-current-database (a throwaway test database), or add --allow-existing."
            )
        loader = load_set(services)
        from search.backends import get_facility_backend

        backend = get_facility_backend(options["backend"])
        metrics, runs = run_queries(queries, backend=backend)
        if options["json"]:
            payload = dict(metrics)
            payload["backend"] = getattr(backend, "name", type(backend).__name__)
            payload["queries"] = [
                {k: run[k] for k in ("q", "ranked", "relevant", "recall_at_5", "mrr_at_10", "ndcg_at_10", "zero_results", "notice", "suggestion")}
                for run in runs
            ]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"Loader: {loader}")
        self.stdout.write(f"Backend: {getattr(backend, 'name', type(backend).__name__)} on {connection.vendor}")
        self.stdout.write(f"Facilities: {len(services)}, queries: {len(queries)}")
        if options["verbose"]:
            for run in runs:
                self.write_query(run)
        self.stdout.write("")
        self.stdout.write(f"recall@5         {metrics['recall_at_5']:.3f}")
        self.stdout.write(f"MRR@10           {metrics['mrr_at_10']:.3f}")
        self.stdout.write(f"nDCG@10          {metrics['ndcg_at_10']:.3f}")
        self.stdout.write(f"zero-result rate {metrics['zero_result_rate']:.3f}")
        missing = [r["q"] for r in runs if r["relevant"] and not r["ranked"]]
        noisy = [r["q"] for r in runs if not r["relevant"] and r["ranked"]]
        self.stdout.write(f"queries with relevant results that returned none: {len(missing)} {missing if missing else ''}")
        self.stdout.write(f"zero-result queries that returned something: {len(noisy)} {noisy if noisy else ''}")

    def write_query(self, run):
        def fmt(x):
            return "-" if x is None else f"{x:.2f}"

        self.stdout.write("")
        self.stdout.write(
            f"Q {run['q']!r}: recall@5 {fmt(run['recall_at_5'])}, RR {fmt(run['mrr_at_10'])}, nDCG {fmt(run['ndcg_at_10'])}, "
            f"{len(run['ranked'])} results" + (f", did you mean {run['suggestion']!r}" if run["suggestion"] else "")
        )
        for i, (pk, name) in enumerate(zip(run["ranked"][:10], run["names"][:10]), start=1):
            grade = run["relevant"].get(pk, 0)
            self.stdout.write(f"   {i:2}. [{grade or ' '}] {name}")
        found = set(run["ranked"][:10])
        for pk, grade in run["relevant"].items():
            if pk not in found:
                self.stdout.write(f"   missed [{grade}] {pk}")
