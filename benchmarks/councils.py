"""The district integration councils at scale (issue 13): a council's public district page with 10,000 published
contributions and 500 public events in its district (p95 ≤ 50 ms, timed like every page, page cache off and on)
and its annual report as a PDF (≤ 10 s).

The district is Linden-Limmer (``FILTER_DISTRICT``). Its data is made from the bench database without changing
its counts (so the database stays reusable): published contributions and events of other districts are moved to
it until it has 10,000 and 500; 20 of its events become the council's sessions (with agendas); the council gets
15 members, 30 statements routed on the answer path (from its contributions) and the year's budget with 50
funded activities. ``python -m benchmarks.councils`` does it alone and prints the lines (use a ``BENCH_SCALE``
of at least 0.1 so that there are 10,000 contributions to move; ``BENCH_DIR`` may name a directory of its own).
``make bench`` runs it last, on a fresh copy of the bench database under var/bench/councils/, and writes its lines
to var/bench/councils.md.
"""

import datetime as dt
import os
import sys
import time

from benchmarks.config import FILTER_DISTRICT, SCALE, TARGET_P95_MS, log

CONTRIBUTIONS = int(os.environ.get("BENCH_COUNCIL_CONTRIBUTIONS") or 10_000)
EVENTS = int(os.environ.get("BENCH_COUNCIL_EVENTS") or 500)
SESSIONS = 20
MEMBERS = 15
POSITIONS = 30
FUNDED = 50
REPORT_TARGET_SECONDS = 10.0


def prepare_council(process_slug: str) -> dict:
    """Make sure the district has its contributions, events and council (reused when complete); its facts."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from teilhabe.administration.models import Department
    from teilhabe.contributions.models import Contribution, Status
    from teilhabe.contributions.tallies import tallies_build
    from teilhabe.councils.models import (
        AgendaItem,
        BudgetYear,
        CouncilAllocation,
        CouncilMembership,
        CouncilPosition,
        DistrictSpace,
        FundedActivity,
    )
    from teilhabe.events.models import PUBLIC_STATES, Event, EventType
    from teilhabe.places.models import District
    from teilhabe.processes.models import Process

    process = Process.objects.get(slug=process_slug)
    district = District.objects.get(city=process.city, number=FILTER_DISTRICT)
    space, _created = DistrictSpace.objects.get_or_create(
        district=district, defaults={"name": f"Integrationsbeirat {district.name}"}
    )
    published = Contribution.objects.filter(process=process, status=Status.PUBLISHED)
    public_events = Event.objects.filter(process=process, state__in=PUBLIC_STATES)
    complete = (
        published.filter(district=district).count() >= CONTRIBUTIONS
        and public_events.filter(district=district).count() >= EVENTS
        and CouncilPosition.objects.filter(space=space).count() == POSITIONS
    )
    if complete:
        log("bench: reusing the council's district")
        return council_facts(process, space)
    log(f"bench: moving contributions and events to district {FILTER_DISTRICT} and seating its council")
    now = timezone.now()
    year = timezone.localdate().year
    with transaction.atomic():
        need = CONTRIBUTIONS - published.filter(district=district).count()
        if need > 0:
            moved = list(published.exclude(district=district).order_by("pk").values_list("pk", flat=True)[:need])
            Contribution.objects.filter(pk__in=moved).update(district=district, neighbourhood=None)
        need = EVENTS - public_events.filter(district=district).count()
        if need > 0:
            moved = list(public_events.exclude(district=district).order_by("pk").values_list("pk", flat=True)[:need])
            Event.objects.filter(pk__in=moved).update(district=district, neighbourhood=None)
        sessions = list(public_events.filter(district=district).order_by("starts_at").values_list("pk", flat=True))
        chosen = sessions[:: max(1, len(sessions) // SESSIONS)][:SESSIONS]
        Event.objects.filter(pk__in=chosen).update(
            type=EventType.COUNCIL_SESSION,
            organiser_department=None,
            organiser_organisation=None,
            organiser_council=space,
        )
        AgendaItem.objects.filter(session__organiser_council=space).delete()
        AgendaItem.objects.bulk_create(
            AgendaItem(session_id=pk, position=n, title=f"Tagesordnungspunkt {n}", decision="Beschlossen.")
            for pk in chosen
            for n in range(1, 6)
        )
        users = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True)[:MEMBERS])
        CouncilMembership.objects.filter(space=space).delete()
        CouncilMembership.objects.bulk_create(
            CouncilMembership(
                space=space,
                user_id=pk,
                role="chair" if index == 0 else "deputy" if index == 1 else "member",
                name_public=index % 2 == 0,
            )
            for index, pk in enumerate(users)
        )
        CouncilPosition.objects.filter(space=space).delete()
        past = Event.objects.filter(pk__in=chosen, starts_at__lt=now).order_by("starts_at").first()
        held = past or Event.objects.get(pk=chosen[0])
        field = process.fields_of_action.order_by("order").first()

        department = Department.objects.filter(city=process.city).order_by("pk").first()
        taken = set(CouncilPosition.objects.exclude(contribution=None).values_list("contribution_id", flat=True))
        routed = [
            pk
            for pk in published.filter(district=district).order_by("-pk").values_list("pk", flat=True)[: POSITIONS * 2]
            if pk not in taken
        ][:POSITIONS]
        CouncilPosition.objects.bulk_create(
            CouncilPosition(
                space=space,
                process=process,
                field_of_action=field,
                title=f"Stellungnahme {index + 1}",
                text="Der Beirat bittet die Verwaltung um mehr Sprachkurse im Stadtbezirk.",
                department=department,
                due_date=timezone.localdate() + dt.timedelta(days=30 - index * 2),
                session=held,
                votes_yes=9,
                votes_no=1,
                votes_abstain=2,
                state="forwarded",
                drafted_by_id=users[1],
                submitted_by_id=users[0],
                submitted_at=now - dt.timedelta(days=40 - index),
                contribution_id=pk,
                forwarded_at=now - dt.timedelta(days=40 - index),
            )
            for index, pk in enumerate(routed)
        )
        budget, _made = BudgetYear.objects.update_or_create(
            city=process.city, year=year, defaults={"total": 150_000, "rule": "population"}
        )
        CouncilAllocation.objects.update_or_create(
            budget=budget, space=space, defaults={"amount": 11_538, "basis": district.population or 1}
        )
        FundedActivity.objects.filter(space=space).delete()
        FundedActivity.objects.bulk_create(
            FundedActivity(
                space=space,
                year=year,
                activity=f"Gefördertes Projekt {n}",
                amount=150 + n,
                date=dt.date(year, 1, 1),
                session=held,
                recorded_by_id=users[0],
            )
            for n in range(FUNDED)
        )
        tallies_build(process)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return council_facts(process, space)


def council_facts(process, space) -> dict:
    from teilhabe.contributions.models import Contribution, Status
    from teilhabe.councils.models import CouncilPosition
    from teilhabe.events.models import PUBLIC_STATES, Event

    return {
        "district": space.district.number,
        "contributions_in_district": Contribution.objects.filter(
            process=process, status=Status.PUBLISHED, district=space.district
        ).count(),
        "events_in_district": Event.objects.filter(
            process=process, state__in=PUBLIC_STATES, district=space.district
        ).count(),
        "sessions": Event.objects.filter(organiser_council=space).count(),
        "statements": CouncilPosition.objects.filter(space=space).count(),
    }


def council_pages(process_slug: str) -> list[dict]:
    from django.urls import reverse

    url = reverse("councils:district", kwargs={"slug": process_slug, "number": str(FILTER_DISTRICT)})
    return [
        {"name": "councils: district page", "urls": [url]},
        {"name": "councils: district page (cache cleared)", "urls": [url], "clear_cache": True},
    ]


def time_report(process_slug: str) -> dict:
    """The annual report of the district's council for this year, rendered in German and in Arabic."""
    from django.conf import settings
    from django.test.utils import override_settings
    from django.utils import timezone

    from teilhabe.councils.models import DistrictSpace
    from teilhabe.councils.report import render_annual_report

    space = DistrictSpace.objects.get(district__number=FILTER_DISTRICT, district__city__processes__slug=process_slug)
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    results = {}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        for language in ("de", "ar"):
            began, began_cpu = time.perf_counter(), time.process_time()
            data = render_annual_report(space, timezone.localdate().year, language)
            results[language] = {
                "seconds": round(time.perf_counter() - began, 2),
                "cpu_seconds": round(time.process_time() - began_cpu, 2),
                "bytes": len(data),
            }
    results["met"] = all(item["seconds"] <= REPORT_TARGET_SECONDS for item in results.values())
    return results


def main() -> int:
    """``python -m benchmarks.councils``: the bench database (reused when complete), the district, its page (page
    cache off, then on) and the annual report; prints the lines."""
    from benchmarks.config import configure

    configure()
    from django.conf import settings
    from django.test.utils import override_settings

    from benchmarks.data import prepare_database
    from benchmarks.events import prepare_events
    from benchmarks.measure import measure

    started = time.monotonic()
    meta, _data, _built = prepare_database(SCALE)
    slug = meta["process_slug"]
    prepare_events(slug)
    facts = prepare_council(slug)
    log(f"bench: council {facts}")
    pages = council_pages(slug)
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    warmup, requests = int(os.environ.get("BENCH_WARMUP") or 5), int(os.environ.get("BENCH_REQUESTS") or 60)
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}, DEBUG=False, RATELIMIT_ENABLE=False):
        with override_settings(TEILHABE_PAGE_CACHE=False):
            results, failures = measure(pages, warmup=warmup, requests=requests)
        cached = [{**page, "name": f"{page['name']} (page cache)"} for page in pages if not page.get("clear_cache")]
        with override_settings(TEILHABE_PAGE_CACHE=True):
            cached_results, cached_failures = measure(cached, warmup=warmup, requests=requests)
    report = time_report(slug)
    lines = [
        "",
        f"District integration councils (targets: district page p95 ≤ {TARGET_P95_MS:.0f} ms; annual report "
        f"≤ {REPORT_TARGET_SECONDS:.0f} s). Data: {facts}, bench scale {SCALE:g}.",
        "",
    ]
    for page in results + cached_results:
        verdict = "**over target**" if page["over_target"] else "ok"
        lines.append(
            f"- {page['name']}: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, CPU p50 {page['cpu_p50_ms']} ms, "
            f"{page['queries']} queries — {verdict}"
        )
    lines.append(
        f"- annual report PDF: {report['de']['seconds']} s in German (CPU {report['de']['cpu_seconds']} s, "
        f"{report['de']['bytes']:,} bytes), {report['ar']['seconds']} s in Arabic — "
        + ("ok" if report["met"] else "**over target**")
    )
    print("\n".join(lines))
    log(f"bench: councils benchmark done in {time.monotonic() - started:.0f} s")
    failures += cached_failures
    if failures:
        print("bench: failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0  # a missed target is a line of the report (as in `make bench`), not a failure of the run


if __name__ == "__main__":
    sys.exit(main())
