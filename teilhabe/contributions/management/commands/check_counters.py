from django.core.management.base import BaseCommand, CommandError

from teilhabe.contributions.counters import counter_differences
from teilhabe.contributions.services import counters_repair


class Command(BaseCommand):
    help = (
        "Compares every denormalised counter (supports, published comments, open reports) with its rows; "
        "exits non-zero when one differs. With --fix, sets each to the number of its rows (audited)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="set every differing counter to its row count")

    def handle(self, *args, fix=False, **options):
        differences = counter_differences()
        for difference in differences:
            self.stdout.write(str(difference))
        if not differences:
            self.stdout.write("All counters match their rows.")
            return
        if not fix:
            raise CommandError(f"{len(differences)} counter(s) differ from their rows.")
        repaired = counters_repair()
        remaining = counter_differences()
        if remaining:
            raise CommandError(f"{len(remaining)} counter(s) still differ after the repair.")
        self.stdout.write(f"Repaired {repaired} counter(s).")
