import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from teilhabe.core.errors import ApplicationError
from teilhabe.reports import selectors, services
from teilhabe.reports.models import ReportState


class Command(BaseCommand):
    help = (
        "Makes the report on a process to a council committee for a period, as the coordinators' screen does (a draft, "
        "audited), and writes its files into a directory: report.pdf, data/ (one CSV per table and data.json) and "
        "oparl.json. council_report --process SLUG --committee NAME --period YYYY-Qn --output DIR [--language de]."
    )

    def add_arguments(self, parser):
        parser.add_argument("--process", required=True, help="the process's short name (slug)")
        parser.add_argument("--committee", required=True, help="the committee's name, e.g. “Internationaler Ausschuss”")
        parser.add_argument("--period", required=True, help="year and quarter, e.g. 2027-Q1")
        parser.add_argument("--output", required=True, help="the directory to write the files into (made if missing)")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help=f"language of the report (default {settings.LANGUAGE_CODE}; e.g. ar for Arabic)",
        )

    def handle(self, *args, process, committee, period, output, language, **options):
        if language not in dict(settings.LANGUAGES):
            raise CommandError(f"Unknown language {language!r}: choose one of {', '.join(dict(settings.LANGUAGES))}.")
        found = selectors.report_process(slug=process)
        if found is None:
            raise CommandError(f"No process with the short name {process!r}.")
        named = selectors.committee_by_name(found, committee)
        if named is None:
            names = ", ".join(c.name for c in selectors.committees_of(found)) or "none"
            raise CommandError(f"No committee named {committee!r} in {found.city.name} (committees: {names}).")
        target = Path(output)
        try:
            (target / "data").mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot make the directory {output}: {error}") from error
        started = time.monotonic()
        try:
            report = services.report_request(
                user=None, process=found, committee=named, period=period, language=language, enqueue=False
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        outcome = services.report_make(report_id=report.pk)
        report.refresh_from_db()
        if report.state != ReportState.DRAFT:
            raise CommandError(f"The report could not be made ({outcome}); see the log.")
        with report.pdf.open("rb") as pdf:
            (target / "report.pdf").write_bytes(pdf.read())
        with report.oparl.open("rb") as oparl:
            (target / "oparl.json").write_bytes(oparl.read())
        import zipfile

        with report.data_package.open("rb") as package, zipfile.ZipFile(package) as archive:
            for name in archive.namelist():
                path = (target / name).resolve()
                if target.resolve() not in path.parents:  # our own zip, but never write outside DIR
                    raise CommandError(f"Unexpected file {name!r} in the data package.")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.read(name))
        self.stdout.write(
            f"Wrote the report {report.reference} (version {report.version}, draft, {language}) to {target} "
            f"in {time.monotonic() - started:.1f} s: report.pdf, data/ ({len(report.content['tables'])} tables), "
            "oparl.json."
        )
