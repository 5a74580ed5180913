from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmarks.classifier import HeldoutError, bench_classifier, datasets_dir
from benchmarks.export import bench_export
from benchmarks.ingest import bench_ingest, bench_ingest_worker, print_json
from benchmarks.learning import bench_learning
from benchmarks.load import LoadError, bench_load
from benchmarks.queue import BenchError, bench_queue
from benchmarks.reports import bench_reports
from benchmarks.stack import StackError
from benchmarks.webhook import bench_webhook


class Command(BaseCommand):
    help = ("Benchmarks. Each prints one JSON object on its last line: `bench ingest --n 100000`, `bench classifier`, "
            "`bench queue --mentions 1000000`, `bench reports`, `bench export --mentions 1000000`, `bench load`, `bench webhook`.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="which", required=True)
        ingest = sub.add_parser("ingest", help="N synthetic mentions through the real ingestion path vs raw COPY")
        ingest.add_argument("--n", type=int, default=100_000)
        ingest.add_argument("--keep", action="store_true", help="keep the synthetic mentions")
        ingest.add_argument("--workers", type=int, default=2,
                            help="then the same N split between this many worker processes (1: skip)")
        worker = sub.add_parser("ingest-worker", help="one of bench ingest's parallel workers (started by it)")
        worker.add_argument("--n", type=int, required=True)
        worker.add_argument("--part", type=int, required=True)
        classifier = sub.add_parser("classifier", help="the classifier on public datasets, its throughput and memory")
        classifier.add_argument("--heldout", type=Path, default=None,
                                help="also score a labelled JSON-lines file (text, label, lang) kept outside the project "
                                     "(or set ECOUTE_HELDOUT)")
        classifier.add_argument("--no-curve", action="store_true",
                                help="skip the zero-shot figures and the learning curve (a scratch database, ~30 min)")
        classifier.add_argument("--curve-order", choices=["both", "review", "random"], default="both",
                                help="the learning curve in one order only (two processes can share the work)")
        classifier.add_argument("--curve-only", action="store_true", help="skip throughput and memory")
        queue = sub.add_parser("queue", help="server time of the queue and mention pages over N seeded mentions")
        queue.add_argument("--mentions", type=int, default=1_000_000,
                           help="bench mentions to have in the database (seeded once, then reused)")
        queue.add_argument("--requests", type=int, default=200, help="timed requests per page")
        reports = sub.add_parser("reports", help="the report page's server time, 30 and 365 days, over N mentions")
        reports.add_argument("--mentions", type=int, default=1_000_000)
        reports.add_argument("--runs", type=int, default=9, help="timed requests per period")
        reports.add_argument("--keep", action="store_true", help="keep the synthetic mentions (a rerun reuses them)")
        reports.add_argument("--import", dest="imported", type=int, default=100_000,
                             help="mentions imported through ingestion before the last 365-day request (0: none)")
        export = sub.add_parser("export", help="a year of mentions.csv from a real gunicorn, over N mentions")
        export.add_argument("--mentions", type=int, default=1_000_000)
        export.add_argument("--keep", action="store_true", help="keep the synthetic mentions (a rerun reuses them)")
        load = sub.add_parser("load", help="20 community managers, 2 report readers and a 50 mentions/s webhook "
                                           "feeder against gunicorn + Celery (Locust; pip install -r "
                                           "requirements-bench.txt)")
        load.add_argument("--mentions", type=int, default=1_000_000, help="bench mentions (seeded once, then reused)")
        load.add_argument("--seconds", type=int, default=90, help="length of the loaded phase (60-600)")
        load.add_argument("--single-seconds", type=int, default=60, help="length of the single-user phase (10-300)")
        load.add_argument("--feeder-rate", type=float, default=50, help="mentions per second through the webhook")
        load.add_argument("--no-beat", action="store_true", help="run without celery beat")
        load.add_argument("--no-ingest-worker", action="store_true",
                          help="one worker for every queue, without docker-compose.yml's worker-ingest")
        webhook = sub.add_parser("webhook", help="signed webhook delivery -> mention counted by the queue's live "
                                                 "endpoint, with a real worker")
        webhook.add_argument("--deliveries", type=int, default=120)
        webhook.add_argument("--rate", type=float, default=2.0, help="deliveries per second")
        webhook.add_argument("--mentions", type=int, default=1_000_000, help="bench mentions (seeded once, reused)")
        webhook.add_argument("--no-beat", action="store_true", help="run without celery beat")
        webhook.add_argument("--no-ingest-worker", action="store_true",
                             help="one worker for every queue, without docker-compose.yml's worker-ingest")

    def handle(self, *args, **options):
        if options["which"] == "ingest":
            print_json(self.stdout, bench_ingest(n=options["n"], keep=options["keep"], workers=options["workers"]))
        elif options["which"] == "ingest-worker":
            print_json(self.stdout, bench_ingest_worker(n=options["n"], part=options["part"]))
        elif options["which"] == "classifier":
            try:
                result = {"benchmark": "classifier"} if options["curve_only"] else bench_classifier(
                    heldout=options["heldout"])
            except HeldoutError as error:
                raise CommandError(str(error)) from None
            if not options["no_curve"]:
                orders = ("review", "random") if options["curve_order"] == "both" else (options["curve_order"],)
                result.update(bench_learning(root=datasets_dir(), orders=orders, log=self.stderr.write))
            print_json(self.stdout, result)
        elif options["which"] == "queue":
            try:
                result = bench_queue(mentions=options["mentions"], requests=options["requests"],
                                     log=self.stderr.write)
            except BenchError as error:
                raise CommandError(str(error)) from None
            print_json(self.stdout, result)
        elif options["which"] == "reports":
            print_json(self.stdout, bench_reports(n=options["mentions"], runs=options["runs"], keep=options["keep"],
                                                    imported=options["imported"]))
        elif options["which"] == "export":
            print_json(self.stdout, bench_export(n=options["mentions"], keep=options["keep"]))
        elif options["which"] in ("load", "webhook"):
            try:
                if options["which"] == "load":
                    result = bench_load(mentions=options["mentions"], seconds=options["seconds"],
                                        single_seconds=options["single_seconds"], feeder_rate=options["feeder_rate"],
                                        beat=not options["no_beat"],
                                        ingest_worker=not options["no_ingest_worker"], log=self.stderr.write)
                else:
                    result = bench_webhook(deliveries=options["deliveries"], rate=options["rate"],
                                           mentions=options["mentions"], beat=not options["no_beat"],
                                           ingest_worker=not options["no_ingest_worker"], log=self.stderr.write)
            except (LoadError, StackError) as error:
                raise CommandError(str(error)) from None
            print_json(self.stdout, result)
