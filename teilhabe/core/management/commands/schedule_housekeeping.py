from django.core.management.base import BaseCommand

from teilhabe.core.tasks import housekeeping, housekeeping_run_jobs, housekeeping_schedule


class Command(BaseCommand):
    help = (
        "Makes sure one housekeeping run waits in the task queue (idempotent; run after migrate). Without a "
        "queue that can defer, runs the housekeeping jobs once now."
    )

    def handle(self, *args, **options):
        if not housekeeping.get_backend().supports_defer:
            outcomes = housekeeping_run_jobs()
            for path, outcome in outcomes.items():
                self.stdout.write(f"{path}: {outcome}")
            return
        if housekeeping_schedule():
            self.stdout.write("Housekeeping scheduled: the task worker (manage.py db_worker) runs it now.")
        else:
            self.stdout.write("Housekeeping is already waiting in the task queue.")
