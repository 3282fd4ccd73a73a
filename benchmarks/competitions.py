"""The ideas competition at scale (issue 12): a call with 500 eligible applications scored by a jury of four (some
recusals), and a fund with 50,000 ledger entries. Targets: the jury's scoring overview (the chair, after closing:
means, spread, ranking and the recommendation form) p95 ≤ 100 ms; a year's fund balance ≤ 50 ms (p95); the call
summary as a PDF ≤ 15 s.

The data is written into the bench database after the main data, through the ORM in bulk (its own step, reused when
complete). ``python -m benchmarks.competitions`` does it alone and prints the lines (``BENCH_SCALE=0.01`` for the
small main data; the competition's sizes stay: ``BENCH_COMPETITION_APPLICATIONS``, ``BENCH_LEDGER_ENTRIES``);
``make bench`` adds the operation row (``competition_operations``).
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal

from benchmarks.config import SCALE, SEED, log

APPLICATIONS = int(os.environ.get("BENCH_COMPETITION_APPLICATIONS") or 500)
LEDGER_ENTRIES = int(os.environ.get("BENCH_LEDGER_ENTRIES") or 50_000)
JURORS = 4
OVERVIEW_TARGET_MS = 100.0
BALANCE_TARGET_MS = 50.0
PDF_TARGET_SECONDS = 15.0
REQUESTS = int(os.environ.get("BENCH_COMPETITION_REQUESTS") or 40)
CALL_TITLE = "Bench-Ideenwettbewerb"


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def prepare_competition(process_slug: str) -> dict:
    """Make sure the call, its applications, scores and the fund's ledger are there (reused when complete)."""
    from django.db import transaction

    from teilhabe.competitions.models import Application, Call, LedgerEntry

    call = Call.objects.filter(title=CALL_TITLE, process__slug=process_slug).first()
    if (
        call is not None
        and Application.objects.filter(call=call).count() == APPLICATIONS
        and LedgerEntry.objects.filter(fund=call.fund).count() >= LEDGER_ENTRIES
    ):
        log(f"bench: reusing the competition ({APPLICATIONS} applications, {LEDGER_ENTRIES} ledger entries)")
    else:
        started = time.monotonic()
        with transaction.atomic():
            call = _build(process_slug, call)
        log(f"bench: built the competition in {time.monotonic() - started:.0f} s")
    return {"call": call.pk, "applications": APPLICATIONS, "ledger_entries": LEDGER_ENTRIES}


def _build(process_slug: str, old):
    from django.utils import timezone

    from teilhabe.accounts.models import User
    from teilhabe.competitions.models import (
        Application,
        BudgetLine,
        Call,
        ConflictDeclaration,
        Criterion,
        Eligibility,
        EligibilityItem,
        Fund,
        FundingTier,
        FundYear,
        JuryMembership,
        LedgerEntry,
        Recommendation,
        Score,
    )
    from teilhabe.processes.models import Process

    rng = random.Random(SEED + 12)
    process = Process.objects.get(slug=process_slug)
    if old is not None:
        fund = old.fund
        Application.objects.filter(call=old).delete()
        LedgerEntry.objects.filter(fund=fund).delete()
        old.delete()
        fund.delete()
    fund = Fund.objects.create(city=process.city, name="Bench-Fonds", annual_budget=Decimal("150000"))
    now = timezone.now()
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        FundYear.objects.create(fund=fund, year=year, budget=Decimal("100000000"))
    call = Call.objects.create(
        process=process,
        fund=fund,
        title=CALL_TITLE,
        opens=now - dt.timedelta(days=90),
        closes=now - dt.timedelta(days=30),
        budget=Decimal("150000"),
        max_grant=Decimal("20000"),
        is_published=True,
        scoring_closed_at=now - dt.timedelta(days=1),
    )
    criteria = [
        Criterion.objects.create(fund=fund, call=call, position=n, name=name, weight=weight)
        for n, (name, weight) in enumerate(
            [("Zielgruppe", 1), ("Innovation", 2), ("Beteiligung", 2), ("Nachhaltigkeit", 1)], start=1
        )
    ]
    FundingTier.objects.create(fund=fund, call=call, up_to=None, kind="partial")
    seats = []
    for number in range(JURORS):
        user, _created = User.objects.get_or_create(
            email=f"bench-juror{number}@bench.teilhabe.test", defaults={"display_name": f"Juror {number}"}
        )
        seats.append(JuryMembership.objects.create(call=call, user=user, is_chair=number == 0))
    applicant, _created = User.objects.get_or_create(email="bench-applicant@bench.teilhabe.test")
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            applicant=applicant,
            kind="group",
            group_name=f"Gruppe {n}",
            title=f"Projekt {n:03d}",
            description="Ein Projekt für die Nachbarschaft. " * 5,
            requested=Decimal(rng.randrange(2000, 20000)),
            own_contribution=Decimal(500),
            state="submitted",
            submitted_at=now - dt.timedelta(days=40),
            contact_name=f"Kontakt {n}",
        )
        for n in range(APPLICATIONS)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(application=a, position=1, item="Honorare", amount=a.requested + 500) for a in applications
    )
    ticks = {item: True for item in EligibilityItem.values}
    Eligibility.objects.bulk_create(Eligibility(application=a, is_eligible=True, checklist=ticks) for a in applications)
    declarations, scores = [], []
    for index, application in enumerate(applications):
        for number, seat in enumerate(seats):
            recused = index % 25 == 0 and number == 3
            declarations.append(ConflictDeclaration(application=application, seat=seat, has_conflict=recused))
            if not recused:
                scores.extend(
                    Score(application=application, seat=seat, criterion=c, value=rng.randrange(0, 11)) for c in criteria
                )
    ConflictDeclaration.objects.bulk_create(declarations, batch_size=2000)
    Score.objects.bulk_create(scores, batch_size=5000)
    Recommendation.objects.bulk_create(Recommendation(application=a, amount=Decimal(5000)) for a in applications[:20])
    kinds = ["commitment"] * 5 + ["payment"] * 3 + ["repayment", "release"]
    LedgerEntry.objects.bulk_create(
        (
            LedgerEntry(
                fund=fund,
                year=this_year - (n % 2),
                kind=kinds[n % len(kinds)],
                amount=Decimal(rng.randrange(1, 500)),
                booked_on=dt.date(this_year - (n % 2), 1 + n % 12, 1 + n % 28),
                reason="Bench",
                call=call,
            )
            for n in range(LEDGER_ENTRIES)
        ),
        batch_size=5000,
    )
    return call


def _time_overview(call_pk: int) -> dict:
    from django.test import Client

    from teilhabe.competitions.models import JuryMembership

    chair = JuryMembership.objects.get(call_id=call_pk, is_chair=True).user
    client = Client()
    client.force_login(chair)
    url = f"/verwaltung/jury/{call_pk}/"
    statuses, timings = set(), []
    for number in range(REQUESTS + 3):
        began = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - began) * 1000
        statuses.add(response.status_code)
        if number >= 3:  # warm-up
            timings.append(elapsed)
    return {
        "statuses": sorted(statuses),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_percentile(timings, 95), 1),
    }


def _time_balance(call_pk: int) -> dict:
    from django.utils import timezone

    from teilhabe.competitions.models import Call
    from teilhabe.competitions.selectors import fund_balance

    fund = Call.objects.select_related("fund").get(pk=call_pk).fund
    year = timezone.localdate().year
    timings = []
    for _number in range(REQUESTS):
        began = time.perf_counter()
        balance = fund_balance(fund, year)
        timings.append((time.perf_counter() - began) * 1000)
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 95), 2),
        "committed": str(balance.committed),
    }


def _time_pdf(call_pk: int) -> dict:
    from teilhabe.competitions.documents import call_summary_document
    from teilhabe.competitions.models import Call

    call = Call.objects.select_related("fund", "process").get(pk=call_pk)
    began = time.perf_counter()
    data = call_summary_document(call, "pdf", "de")
    return {"seconds": round(time.perf_counter() - began, 1), "bytes": len(data)}


def competition_operations(process_slug: str) -> dict:
    """The three timings; the competition's operation row of the report."""
    from django.conf import settings
    from django.test.utils import override_settings

    name = f"competition: {APPLICATIONS} applications, {LEDGER_ENTRIES} ledger entries"
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    try:
        facts = prepare_competition(process_slug)
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}, DEBUG=False):
            overview = _time_overview(facts["call"])
            balance = _time_balance(facts["call"])
            pdf = _time_pdf(facts["call"])
    except Exception as error:  # noqa: BLE001 - reported as a failed operation, like the others
        return {"name": name, "error": f"{type(error).__name__}: {error}"}
    met = (
        overview["statuses"] == [200]
        and overview["p95_ms"] <= OVERVIEW_TARGET_MS
        and balance["p95_ms"] <= BALANCE_TARGET_MS
        and pdf["seconds"] <= PDF_TARGET_SECONDS
    )
    log(f"  {name}: overview p95 {overview['p95_ms']} ms, balance p95 {balance['p95_ms']} ms, PDF {pdf['seconds']} s")
    return {
        "name": name,
        "overview": overview,
        "balance": balance,
        "pdf": pdf,
        "met": met,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "targets": {
            "overview_ms": OVERVIEW_TARGET_MS,
            "balance_ms": BALANCE_TARGET_MS,
            "pdf_seconds": PDF_TARGET_SECONDS,
        },
    }


def competition_markdown(operation: dict) -> str:
    if "error" in operation:
        return f"\n## Ideas competition\n\nFailed: {operation['error']}\n"
    return (
        "\n## Ideas competition\n\n"
        "| what | figure | target |\n|---|---|---|\n"
        f"| jury scoring overview, {APPLICATIONS} applications (p95) | {operation['overview']['p95_ms']} ms | "
        f"≤ {OVERVIEW_TARGET_MS:g} ms |\n"
        f"| fund balance of a year, {LEDGER_ENTRIES} entries (p95) | {operation['balance']['p95_ms']} ms | "
        f"≤ {BALANCE_TARGET_MS:g} ms |\n"
        f"| call summary PDF, {APPLICATIONS} applications | {operation['pdf']['seconds']} s | "
        f"≤ {PDF_TARGET_SECONDS:g} s |\n"
        f"\nTargets met: {'yes' if operation['met'] else 'no'} (load {operation['load_average_1m']}).\n"
    )


def main() -> int:
    from benchmarks.config import configure

    configure()
    from benchmarks.data import prepare_database

    meta, _data, _built = prepare_database(SCALE)
    operation = competition_operations(meta["process_slug"])
    print(competition_markdown(operation))
    return 0 if operation.get("met") else 1


if __name__ == "__main__":
    sys.exit(main())
