from django.core.management.base import BaseCommand

from complaints.bench import bench_classifier
from listening.bench import bench_ingest, print_json


class Command(BaseCommand):
    help = "Benchmarks. Each prints one JSON object on its last line: `bench ingest --n 100000`, `bench classifier`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="which", required=True)
        ingest = sub.add_parser("ingest", help="N synthetic mentions through the real ingestion path vs raw COPY")
        ingest.add_argument("--n", type=int, default=100_000)
        ingest.add_argument("--keep", action="store_true", help="keep the synthetic mentions")
        sub.add_parser("classifier", help="the classifier on public datasets, its throughput and memory")

    def handle(self, *args, **options):
        if options["which"] == "ingest":
            print_json(self.stdout, bench_ingest(n=options["n"], keep=options["keep"]))
        elif options["which"] == "classifier":
            print_json(self.stdout, bench_classifier())
