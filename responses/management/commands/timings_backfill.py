from django.core.management.base import BaseCommand, CommandError

from listening.models import Brand
from responses.timing import timings_backfill


class Command(BaseCommand):
    help = ("Recomputes the response times the report reads (first response, resolution, SLA met) for every "
            "mention with a reply, a resolution or an assignee: after an upgrade, or after changing a brand's SLA "
            "policy or business hours. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--brand", action="append", default=[], metavar="SLUG", help="only this brand (repeatable)")

    def handle(self, *args, **options):
        brand_ids = []
        for slug in options["brand"]:
            brand = Brand.objects.filter(slug=slug).first()
            if brand is None:
                raise CommandError(f"There is no brand with the short name “{slug}”.")
            brand_ids.append(brand.pk)
        done = timings_backfill(brand_ids=brand_ids or None,
                                progress=lambda n: self.stdout.write(f"{n} mentions…") if n % 10_000 == 0 else None)
        self.stdout.write(f"Response times stored for {done} mentions.")
