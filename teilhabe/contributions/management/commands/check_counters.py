from django.core.management.base import BaseCommand, CommandError

from teilhabe.contributions.counters import counter_differences
from teilhabe.contributions.services import counters_repair, tallies_rebuild
from teilhabe.contributions.tallies import tally_differences


class Command(BaseCommand):
    help = (
        "Compares every denormalised counter (supports, published comments, open reports) with its rows, and "
        "every tally (contributions, supports and comments per process, status, channel, language and district) "
        "with a fresh count; exits non-zero when one differs. With --fix, sets each counter to the number of its "
        "rows and rebuilds the tallies (both audited)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="repair every differing counter and tally")

    def handle(self, *args, fix=False, **options):
        differences = [*counter_differences(), *tally_differences()]
        for difference in differences:
            self.stdout.write(str(difference))
        if not differences:
            self.stdout.write("All counters match their rows. All tallies match a fresh count.")
            return
        if not fix:
            raise CommandError(f"{len(differences)} counter(s) or tallies differ from their rows.")
        repaired = counters_repair()
        rebuilt = tallies_rebuild()
        remaining = [*counter_differences(), *tally_differences()]
        if remaining:
            raise CommandError(f"{len(remaining)} counter(s) or tallies still differ after the repair.")
        self.stdout.write(f"Repaired {repaired} counter(s) and {rebuilt} tally row(s).")
