from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from listening.importing import mentions_import
from listening.models import Brand


class Command(BaseCommand):
    help = ("Imports mentions for a brand from a JSON-lines or CSV file (exports from another tool, "
            "call-centre or e-mail logs). Bad rows are reported with their line number; good rows are stored.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .jsonl or .csv file")
        parser.add_argument("--brand", required=True, help="the brand's short name")
        parser.add_argument("--format", choices=["jsonl", "csv"], help="default: from the file's extension")

    def handle(self, *args, **options):
        path = Path(options["file"])
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"No brand with short name {options['brand']!r}.")
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        fmt = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
        report = mentions_import(brand=brand, raw=path.read_bytes(), fmt=fmt, name=path.name)
        for line, reason in report.bad_rows:
            self.stderr.write(f"line {line}: {reason}")
        s = report.stored
        self.stdout.write(f"{path.name}: {s.new} new, {s.duplicates} already stored, {len(report.bad_rows)} bad rows, "
                          f"{s.own} posts by the brand's own accounts.")
