from django.core.management.base import BaseCommand

from pipeline.demo import load_demo


class Command(BaseCommand):
    help = "Loads the demo brand Lumio with a month of mentions and one user per role (safe to run again)."

    def handle(self, *args, **options):
        summary = load_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Demo brand {summary['brand']}: {summary['mentions']} mentions ({summary['new']} new)."))
        self.stdout.write("Sign in with one of these demo logins:")
        for username, role in summary["users"]:
            self.stdout.write(f"  {username:<10} {role:<20} password: {summary['password']}")
