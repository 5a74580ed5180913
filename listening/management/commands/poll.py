from django.core.management.base import BaseCommand, CommandError

from listening.models import Source
from listening.polling import source_poll


class Command(BaseCommand):
    help = "Polls sources now, in this process, and prints per source: fetched, new, duplicates, errors."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--source", type=int, action="append", help="a source id (repeatable)")
        target.add_argument("--all", action="store_true", help="every enabled source")

    def handle(self, *args, **options):
        ids = options["source"] or list(Source.objects.filter(enabled=True).order_by("pk").values_list("pk", flat=True))
        missing = set(ids) - set(Source.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}.")
        failed = False
        for source_id in ids:
            result = source_poll(source_id=source_id)
            line = (f"source {source_id}: fetched {result.fetched}, new {result.new}, "
                    f"duplicates {result.duplicates}, own posts {result.own}, errors {len(result.errors)}")
            if result.skipped:
                line += f" (skipped: {result.skipped})"
            self.stdout.write(line)
            for error in result.errors:
                self.stdout.write(f"  - {error}")
            failed = failed or bool(result.errors)
        if failed:
            raise CommandError("Some sources reported errors (see above).")
