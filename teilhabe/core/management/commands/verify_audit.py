from django.core.management.base import BaseCommand, CommandError

from teilhabe.core.services import audit_check, audit_checkpoint_latest, audit_checkpoint_path, audit_checkpoint_write


class Command(BaseCommand):
    help = (
        "Proves the audit log unchanged: every entry's keyed seal, the chain, and that the chain still reaches "
        "the newest checkpoint. Prints the head (count and hash)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="also chain pending entries and append the head to the checkpoint file outside the database",
        )

    def handle(self, *args, checkpoint, **options):
        latest = audit_checkpoint_latest()
        report = audit_checkpoint_write() if checkpoint else audit_check(checkpoint=latest)
        if not report.ok:
            where = f"at entry {report.broken}" if report.broken else "at its end"
            good = report.head.count
            raise CommandError(f"Audit chain broken {where}: {report.problem} (after {good} good entries).")
        self.stdout.write(f"Audit chain intact: {report.head.count} entries, head {report.head.hash}.")
        if report.pending:
            self.stdout.write(f"{report.pending} newer entries are sealed but not chained yet.")
        if latest:
            self.stdout.write(f"Reaches the checkpoint at entry #{latest.count}.")
        if checkpoint:
            self.stdout.write(f"Checkpoint recorded in {audit_checkpoint_path()}.")
