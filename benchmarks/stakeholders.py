"""The stakeholder registry at scale (issue 14): the coverage matrix with 5,000 organisations and 100,000
contributions (≤ 200 ms, by field and by district: the selector alone and the coordinators' page) and the public
directory (p95 ≤ 50 ms: the first page, filtered pages and a later page).

The registry is made on the bench database: 5,000 checked organisations of every type (four of five listed
publicly), each active in one or two districts, interested in one or two fields of action, working in one to three
languages, with a contact person; one contribution in five is on behalf of one of them, and 2,000 are invited to a
phase of the process. ``python -m benchmarks.stakeholders`` does it alone and prints the lines (``BENCH_DIR`` may
name a directory of its own). ``make bench`` runs it on a fresh copy of the bench database under
var/bench/stakeholders/ and writes its lines to var/bench/stakeholders.md.
"""

import os
import statistics
import sys
import time

from benchmarks.config import SCALE, TARGET_P95_MS, log

ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS") or 5_000)
INVITED = 2_000
ON_BEHALF_EVERY = 5  # one contribution in five is on behalf of an organisation
MATRIX_TARGET_MS = 200.0
RUNS = int(os.environ.get("BENCH_REQUESTS") or 60)


def prepare_registry(process_slug: str) -> dict:
    """Make the registry (reused when complete); its facts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from teilhabe.contributions.models import Contribution
    from teilhabe.involvement.models import Invitation
    from teilhabe.processes.models import Process
    from teilhabe.stakeholders.models import ContactPerson, Organisation, OrganisationLanguage, OrganisationType

    process = Process.objects.select_related("city").get(slug=process_slug)
    _coordinator(process)
    bench = Organisation.objects.filter(name__startswith="Bench-Organisation ")
    if bench.count() >= ORGANISATIONS:
        log("bench: reusing the registry")
        return registry_facts(process)
    log(f"bench: making {ORGANISATIONS} organisations")
    districts = list(process.city.districts.order_by("number").values_list("pk", flat=True))
    fields = list(process.fields_of_action.order_by("order").values_list("pk", flat=True))
    types = list(OrganisationType.values)
    languages = ["de", "tr", "ar", "ru", "pl", "fa", "uk", "en"]
    now = timezone.now()
    with transaction.atomic():
        bench.delete()
        made = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench-Organisation {number:05d}",
                type=types[number % len(types)],
                description="Eine Organisation des Benchmarks.",
                mail_language=languages[number % len(languages)],
                listed_publicly=number % 5 != 0,
                checked_at=now,
                is_fictional=True,
            )
            for number in range(ORGANISATIONS)
        )
        ids = [organisation.pk for organisation in made]
        Organisation.districts.through.objects.bulk_create(
            Organisation.districts.through(organisation_id=pk, district_id=district)
            for index, pk in enumerate(ids)
            for district in {districts[(index + step * 5) % len(districts)] for step in range(1 + index % 2)}
        )
        Organisation.fields_of_interest.through.objects.bulk_create(
            Organisation.fields_of_interest.through(organisation_id=pk, fieldofaction_id=field)
            for index, pk in enumerate(ids)
            for field in {fields[(index + step) % len(fields)] for step in range(1 + index % 2)}
        )
        OrganisationLanguage.objects.bulk_create(
            OrganisationLanguage(organisation_id=pk, language=languages[(index + step) % len(languages)])
            for index, pk in enumerate(ids)
            for step in range(1 + index % 3)
        )
        ContactPerson.objects.bulk_create(
            ContactPerson(organisation_id=pk, name=f"Kontakt {pk}", email=f"kontakt{pk}@bench.test") for pk in ids
        )
        # Contributions on behalf: every fifth, of the organisations in turn (so about one in three takes part).
        chosen = list(
            Contribution.objects.filter(process=process).order_by("pk").values_list("pk", flat=True)[::ON_BEHALF_EVERY]
        )
        active = ids[: len(ids) // 3]
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE contributions_contribution SET organisation_id = %s WHERE id = %s",
                [(active[index % len(active)], pk) for index, pk in enumerate(chosen)],
            )
        phase = process.phases.order_by("start").first()
        Invitation.objects.filter(process=process).delete()
        Invitation.objects.bulk_create(
            Invitation(
                process=process,
                organisation_id=pk,
                target="phase",
                phase=phase,
                target_key=f"phase:{phase.pk}",
                response=["open", "accepted", "declined", "no_answer"][index % 4],
            )
            for index, pk in enumerate(ids[::2][:INVITED])
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return registry_facts(process)


def _coordinator(process) -> None:
    """The coordinator the matrix page is requested as (the generated database has none)."""
    from teilhabe.accounts.models import Role
    from teilhabe.accounts.services import user_create_verified
    from teilhabe.processes.models import ProcessMembership, ProcessRole

    user = user_create_verified(email="bench-koordination@bench.test", password=None, roles=[Role.COORDINATOR])
    ProcessMembership.objects.get_or_create(process=process, user=user, role=ProcessRole.COORDINATOR)


def registry_facts(process) -> dict:
    from teilhabe.contributions.models import Contribution
    from teilhabe.involvement.models import Invitation
    from teilhabe.stakeholders.models import Organisation

    return {
        "organisations": Organisation.objects.count(),
        "listed": Organisation.objects.filter(listed_publicly=True, checked_at__isnull=False).count(),
        "contributions": Contribution.objects.filter(process=process).count(),
        "on_behalf": Contribution.objects.filter(process=process, organisation__isnull=False).count(),
        "invitations": Invitation.objects.filter(process=process).count(),
    }


def _percentile(values, percent):
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def time_matrix(process_slug: str) -> list[dict]:
    """The coverage matrix computed afresh (it is not cached), by field and by district."""
    from teilhabe.involvement.selectors import coverage_matrix
    from teilhabe.processes.models import Process

    process = Process.objects.select_related("city").get(slug=process_slug)
    results = []
    for by in ("field", "district"):
        coverage_matrix(process, by=by)  # warm-up
        times, cpu_times = [], []
        for _ in range(max(RUNS // 3, 10)):
            began, began_cpu = time.perf_counter(), time.process_time()
            matrix = coverage_matrix(process, by=by)
            times.append((time.perf_counter() - began) * 1000)
            cpu_times.append((time.process_time() - began_cpu) * 1000)
        results.append(
            {
                "name": f"coverage matrix by {by} (selector)",
                "p50_ms": round(_percentile(times, 50), 1),
                "p95_ms": round(_percentile(times, 95), 1),
                "max_ms": round(max(times), 1),
                "cpu_p50_ms": round(_percentile(cpu_times, 50), 1),
                "counts": matrix.total.counts,
                "over_target": _percentile(times, 95) > MATRIX_TARGET_MS,
            }
        )
    return results


def registry_pages(process_slug: str) -> list[dict]:
    from django.urls import reverse

    from teilhabe.processes.models import Process, ProcessMembership, ProcessRole

    process = Process.objects.get(slug=process_slug)
    coordinator = ProcessMembership.objects.filter(process=process, role=ProcessRole.COORDINATOR).first()
    directory = reverse("stakeholders:directory", kwargs={"slug": process_slug})
    district = process.city.districts.order_by("number").first()
    field = process.fields_of_action.order_by("order").first()
    pages = [
        {"name": "directory: first page", "urls": [directory]},
        {
            "name": "directory: filtered",
            "urls": [
                f"{directory}?type=welfare",
                f"{directory}?district={district.pk}&language=ar",
                f"{directory}?field={field.pk}&type=migrant_organisation",
                f"{directory}?q=00042",
            ],
        },
        {"name": "directory: page 40", "urls": [f"{directory}?page=40"]},
    ]
    if coordinator is not None:
        coverage = reverse("involvement:coverage", kwargs={"slug": process_slug})
        for by in ("field", "district"):
            pages.append(
                {
                    "name": f"coverage matrix page by {by}",
                    "urls": [f"{coverage}?by={by}"],
                    "user_id": coordinator.user_id,
                    "target_p95_ms": MATRIX_TARGET_MS,
                }
            )
    return pages


def main() -> int:
    """``python -m benchmarks.stakeholders``: the bench database (reused when complete), the registry, the matrix
    and the directory; prints the lines."""
    from benchmarks.config import configure

    configure()
    from django.conf import settings
    from django.test.utils import override_settings

    from benchmarks.data import prepare_database
    from benchmarks.measure import measure

    started = time.monotonic()
    meta, _data, _built = prepare_database(SCALE)
    slug = meta["process_slug"]
    facts = prepare_registry(slug)
    log(f"bench: registry {facts}")
    matrix = time_matrix(slug)
    pages = registry_pages(slug)
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    warmup, requests = int(os.environ.get("BENCH_WARMUP") or 5), RUNS
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}, DEBUG=False, RATELIMIT_ENABLE=False):
        results, failures = measure(pages, warmup=warmup, requests=requests)
    lines = [
        "",
        f"Stakeholder registry (targets: coverage matrix ≤ {MATRIX_TARGET_MS:.0f} ms; directory p95 ≤ "
        f"{TARGET_P95_MS:.0f} ms). Data: {facts}, bench scale {SCALE:g}.",
        "",
    ]
    for item in matrix:
        verdict = "**over target**" if item["over_target"] else "ok"
        lines.append(
            f"- {item['name']}: p50 {item['p50_ms']} ms, p95 {item['p95_ms']} ms, max {item['max_ms']} ms, "
            f"CPU p50 {item['cpu_p50_ms']} ms "
            f"(registered, invited, taking part: {item['counts']}) — {verdict}"
        )
    for page in results:
        verdict = "**over target**" if page["over_target"] else "ok"
        lines.append(
            f"- {page['name']}: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, CPU p50 {page['cpu_p50_ms']} ms, "
            f"{page['queries']} queries — {verdict}"
        )
    print("\n".join(lines))
    log(f"bench: stakeholders benchmark done in {time.monotonic() - started:.0f} s")
    if failures:
        print("bench: failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0  # a missed target is a line of the report (as in `make bench`), not a failure of the run


if __name__ == "__main__":
    sys.exit(main())
