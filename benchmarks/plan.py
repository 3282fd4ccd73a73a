"""The plan at scale (issue 11): a plan of 300 measures in six fields of action, in two published versions that
differ, and what must stay fast with it — the plan page and the list of measures (p95 ≤ 50 ms, timed like every
page of ``make bench``), the comparison of the two versions (≤ 300 ms) and the plan as a PDF (≤ 15 s).

The plan is written into the bench database after the main data, through the ORM in bulk (its own step, reused
when it is complete): an introduction; per field of action its section, a text on the starting position and five
goals; the measures spread over the goals, each with a department, partners, target groups, districts, budget,
dates and a status (with its date and the spending so far). Version 1 is adopted (council document 1234/2027);
version 2, the draft for consultation, is a copy with the keys kept and changes a revision has: some measures
reworded, some with new facts, some added, some removed, some moved to another goal, one goal reordered.

``make bench`` adds the two pages to its table (``plan_pages``) and times the two operations after the pages
(``plan_operations``); ``python -m benchmarks.plan`` does all of it alone and prints the plan's lines
(``BENCH_SCALE=0.01`` for a small trial: 24 measures; ``BENCH_PLAN_MEASURES`` for another number).
"""

import datetime as dt
import os
import random
import statistics
import sys
import time

from benchmarks.config import SCALE, SEED, TARGET_P95_MS, log
from benchmarks.texts import GROUPS, TOPICS

MEASURES = int(os.environ.get("BENCH_PLAN_MEASURES") or (300 if SCALE >= 1 else max(24, round(300 * SCALE))))
GOALS_PER_FIELD = 5
DIFF_TARGET_MS = 300.0
PDF_TARGET_SECONDS = 15.0
DIFF_REQUESTS = int(os.environ.get("BENCH_PLAN_DIFF_REQUESTS") or 20)
DOCUMENT_NUMBER = "1234/2027"
VERBS = ["ausbauen", "verstetigen", "einrichten", "bekannter machen", "mehrsprachig anbieten", "vernetzen"]
GOAL_STEMS = [
    "Zugang zu {t} für alle sichern",
    "{T} im Stadtteil stärken",
    "Teilhabe von {g} an {t} verbessern",
    "{T} verlässlich finanzieren",
    "Beratung zu {t} bündeln",
]
SENTENCES = [
    "Die Landeshauptstadt baut {t} schrittweise aus und bezieht die Migrant*innenorganisationen ein.",
    "Zielgruppe sind vor allem {g}, die bisher schwer erreicht werden.",
    "Die Angebote werden mehrsprachig beworben, auch über die Integrationsbeiräte der Stadtbezirke.",
    "Ein Jahresbericht zeigt, wie viele Menschen erreicht wurden und was sich verändert hat.",
    "Die Maßnahme knüpft an Erfahrungen aus dem Lokalen Integrationsplan 2008 an.",
    "Für {t} werden Räume in Stadtteilzentren und Schulen genutzt.",
    "Die Fachgruppe hat den Vorschlag aus der Beteiligung aufgegriffen und weiterentwickelt.",
    "Ehrenamtliche werden geschult und fachlich begleitet.",
]
PARTNERS = ["Caritas", "AWO", "Diakonie", "Migrantenorganisationen", "Volkshochschule", "Jobcenter", "Stadtsportbund"]
STATUSES = ["planned", "in_progress", "regular_operation", "completed", "discontinued"]
STATUS_WEIGHTS = [30, 40, 18, 8, 4]


def _text(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(SENTENCES).format(t=rng.choice(TOPICS), g=rng.choice(GROUPS)) for _ in range(count))


def _is_complete(process, measures: int) -> bool:
    from teilhabe.plan.models import Measure, PlanVersion, Section

    versions = list(PlanVersion.objects.filter(process=process).order_by("number").values_list("number", "state"))
    return (
        versions == [(1, "adopted"), (2, "consultation")]
        and Measure.objects.filter(process=process).count() >= measures
        and Section.objects.filter(version__process=process, version__number=1, kind="measure").count() == measures
    )


def prepare_plan(process_slug: str, *, measures: int = MEASURES) -> dict:
    """Make sure the plan is there (reused when complete); returns its facts."""
    from django.db import connection, transaction

    from teilhabe.processes.models import Process

    process = Process.objects.get(slug=process_slug)
    if _is_complete(process, measures):
        log(f"bench: reusing the plan ({measures} measures)")
    else:
        log(f"bench: generating a plan of {measures} measures in two versions")
        with transaction.atomic():
            plan_delete(process)
            build_plan(process, measures=measures)
        with connection.cursor() as cursor:  # fresh statistics for the planner, as after a day of use
            cursor.execute("ANALYZE")
    from django.core.cache import cache

    cache.clear()  # the bulk writes bumped no cache version
    return plan_facts(process)


def plan_delete(process) -> None:
    from teilhabe.plan.models import Measure, MeasureLink, MeasureStatusChange, PlanVersion, Section, SectionComment

    SectionComment.objects.filter(version__process=process).delete()
    MeasureLink.objects.filter(measure__process=process).delete()
    Section.objects.filter(version__process=process).update(parent=None)
    Section.objects.filter(version__process=process).delete()
    PlanVersion.objects.filter(process=process).delete()
    MeasureStatusChange.objects.filter(measure__process=process).delete()
    Measure.objects.filter(process=process).delete()


def build_plan(process, *, measures: int, seed: int = SEED + 11) -> None:
    """Write the two versions (see the module's docstring) straight into the tables."""
    from django.utils import timezone

    from teilhabe.accounts.models import User
    from teilhabe.administration.models import Department
    from teilhabe.plan.models import Measure, PlanVersion, SectionKind, VersionState
    from teilhabe.processes.models import ProcessMembership

    rng = random.Random(seed)
    now = timezone.now()
    author = (
        ProcessMembership.objects.filter(process=process).values_list("user_id", flat=True).first()
        or User.objects.order_by("pk").values_list("pk", flat=True).first()
    )
    departments = list(Department.objects.filter(city=process.city).values_list("pk", flat=True))
    if not departments:
        departments = [Department.objects.create(city=process.city, code="50", name="Fachbereich Soziales").pk]
    districts = list(process.city.districts.values_list("pk", flat=True))
    groups = list(process.target_groups.values_list("pk", flat=True))
    fields = list(process.fields_of_action.order_by("order", "pk"))
    first = PlanVersion.objects.create(
        process=process,
        number=1,
        state=VersionState.ADOPTED,
        title="Lokaler Integrationsplan 4.0",
        note="Beschlossen vom Rat der Landeshauptstadt Hannover (Benchmark-Daten, fiktiv).",
        published_at=now - dt.timedelta(days=400),
        adopted_on=(now - dt.timedelta(days=390)).date(),
        document_number=DOCUMENT_NUMBER,
        created_by_id=author,
    )
    second = PlanVersion.objects.create(
        process=process,
        number=2,
        state=VersionState.CONSULTATION,
        title="Lokaler Integrationsplan 4.0 – Fortschreibung",
        note="Entwurf zur Stellungnahme (Benchmark-Daten, fiktiv).",
        based_on=first,
        published_at=now - dt.timedelta(days=10),
        created_by_id=author,
    )
    # The measures' lasting identity, with a status each.
    codes = [f"M-{index:03d}" for index in range(1, measures + 1 + measures // 20)]
    measure_rows = []
    for code in codes:
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        measure_rows.append(
            Measure(
                process=process,
                code=code,
                status=status,
                status_date=None if status == "planned" else (now - dt.timedelta(days=rng.randint(5, 300))).date(),
                spent=None if status == "planned" else rng.randint(1, 400) * 250,
            )
        )
    measure_ids = [measure.pk for measure in Measure.objects.bulk_create(measure_rows)]

    # Version 1 as a tree of plain dicts, then version 2 as a changed copy; each written level by level.
    def node(kind, title, body, **facts):
        return {"kind": kind, "title": title, "body": body, "children": [], "key": None, **facts}

    def measure_node(index):
        topic = rng.choice(TOPICS)
        start = dt.date(2027, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
        return node(
            SectionKind.MEASURE,
            f"{topic[0].upper()}{topic[1:]} für {rng.choice(GROUPS)} {rng.choice(VERBS)}",
            _text(rng, rng.randint(2, 5)),
            measure_id=measure_ids[index],
            department_id=rng.choice(departments),
            partners=", ".join(rng.sample(PARTNERS, k=rng.randint(0, 3))),
            budget=rng.randint(0, 80) * 2500 if rng.random() < 0.85 else None,
            start=start,
            end=start + dt.timedelta(days=rng.randint(180, 1400)) if rng.random() < 0.8 else None,
            groups=rng.sample(groups, k=min(len(groups), rng.randint(1, 3))) if groups else [],
            districts=rng.sample(districts, k=min(len(districts), rng.randint(0, 3))) if districts else [],
        )

    roots = [node(SectionKind.TEXT, "Einleitung", _text(rng, 6))]
    goals = []
    for field in fields:
        field_node = node(SectionKind.FIELD, field.name, _text(rng, 3), field_of_action_id=field.pk)
        field_node["children"].append(node(SectionKind.TEXT, "Ausgangslage", _text(rng, 5)))
        for stem in GOAL_STEMS[:GOALS_PER_FIELD]:
            topic = rng.choice(TOPICS)
            goal = node(
                SectionKind.GOAL, stem.format(t=topic, T=topic[0].upper() + topic[1:], g=rng.choice(GROUPS)), ""
            )
            field_node["children"].append(goal)
            goals.append(goal)
        roots.append(field_node)
    for index in range(measures):
        goals[index * len(goals) // measures]["children"].append(measure_node(index))
    _write_tree(first, roots)

    # Version 2: reworded, new facts, added, removed, moved; one goal's measures in another order.
    spare = iter(range(measures, len(codes)))
    for goal in goals:
        kept = []
        for measure in goal["children"]:
            roll = rng.random()
            if roll < 0.03:
                continue  # removed
            measure = {**measure, "children": []}
            if roll < 0.13:
                measure["title"] = measure["title"].replace(" für ", " gemeinsam für ", 1)
                measure["body"] = measure["body"] + " " + _text(rng, 1)
            elif roll < 0.20:
                measure["budget"] = (measure["budget"] or 0) + 5000
                measure["districts"] = districts[:2]
            kept.append(measure)
        if rng.random() < 0.3:
            index = next(spare, None)
            if index is not None:
                kept.append({**measure_node(index), "key": None})
        goal["next"] = kept
    moved = [goal["next"].pop() for goal in goals[::7] if len(goal["next"]) > 2]
    for measure, goal in zip(moved, goals[3::7], strict=False):
        goal["next"].insert(0, measure)
    goals[1]["next"].reverse()

    def copy(tree_node):
        children = tree_node.get("next", tree_node["children"]) if tree_node["kind"] == SectionKind.GOAL else None
        if children is None:
            children = [copy(child) for child in tree_node["children"]]
        else:
            children = [{**child, "children": []} for child in children]
        return {**tree_node, "children": children}

    _write_tree(second, [copy(root) for root in roots])


def _write_tree(version, roots: list[dict]) -> None:
    """Write a version's sections level by level (bulk inserts), numbered as the services number them; a node
    with a ``key`` keeps it (the copy in version 2), one without gets a new one remembered in the node."""
    import uuid

    from teilhabe.plan.models import Section

    level = [(None, "", position, item) for position, item in enumerate(roots, start=1)]
    groups_through, districts_through = Section.target_groups.through, Section.districts.through
    while level:
        rows = []
        for parent_id, parent_number, position, item in level:
            if item["key"] is None:
                item["key"] = uuid.uuid4()
            rows.append(
                Section(
                    version=version,
                    key=item["key"],
                    parent_id=parent_id,
                    position=position,
                    kind=item["kind"],
                    number=f"{parent_number}.{position}" if parent_number else str(position),
                    title=item["title"],
                    body=item["body"],
                    field_of_action_id=item.get("field_of_action_id"),
                    measure_id=item.get("measure_id"),
                    department_id=item.get("department_id"),
                    partners=item.get("partners", ""),
                    budget=item.get("budget"),
                    start=item.get("start"),
                    end=item.get("end"),
                )
            )
        created = Section.objects.bulk_create(rows)
        groups_through.objects.bulk_create(
            groups_through(section_id=section.pk, targetgroup_id=group)
            for section, (_p, _n, _pos, item) in zip(created, level, strict=True)
            for group in item.get("groups", ())
        )
        districts_through.objects.bulk_create(
            districts_through(section_id=section.pk, district_id=district)
            for section, (_p, _n, _pos, item) in zip(created, level, strict=True)
            for district in item.get("districts", ())
        )
        level = [
            (section.pk, section.number, position, child)
            for section, (_p, _n, _pos, item) in zip(created, level, strict=True)
            for position, child in enumerate(item["children"], start=1)
        ]


def plan_facts(process) -> dict:
    from teilhabe.plan.models import Measure, PlanVersion, Section

    versions = {
        number: Section.objects.filter(version__process=process, version__number=number).count()
        for number in PlanVersion.objects.filter(process=process).values_list("number", flat=True)
    }
    measures = Section.objects.filter(version__process=process, kind="measure")
    return {
        "measure_codes": Measure.objects.filter(process=process).count(),
        "sections_per_version": versions,
        "measures_per_version": {number: measures.filter(version__number=number).count() for number in versions},
    }


def plan_pages(process_slug: str) -> list[dict]:
    """The plan page (the current version, version 2, as a document) and the list of measures, anonymous, timed
    with the page cache off and on like every page; each also with an emptied cache."""
    from django.urls import reverse

    plan = reverse("plan:plan", kwargs={"slug": process_slug})
    measures = reverse("plan:measures", kwargs={"slug": process_slug})
    return [
        {"name": f"plan: the plan ({MEASURES} measures)", "urls": [plan]},
        {"name": f"plan: the plan ({MEASURES} measures) (cache cleared)", "urls": [plan], "clear_cache": True},
        {"name": "plan: list of measures", "urls": [measures, f"{measures}?status=in_progress"]},
        {"name": "plan: list of measures (cache cleared)", "urls": [measures], "clear_cache": True},
    ]


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def _time_diff(process_slug: str, *, requests: int, clear: bool) -> dict:
    """The comparison page of version 1 and 2, anonymous, the page cache off; with ``clear`` the cache emptied
    before each request (both versions' trees read and localised anew)."""
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    url = reverse("plan:diff", kwargs={"slug": process_slug}) + "?von=1&zu=2"
    client = Client()
    times, cpu, status = [], [], set()
    with override_settings(TEILHABE_PAGE_CACHE=False):
        client.get(url)
        for _ in range(requests):
            if clear:
                cache.clear()
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            status.add(response.status_code)
    return {
        "url": url,
        "p50_ms": round(_percentile(times, 50), 1),
        "p95_ms": round(_percentile(times, 95), 1),
        "cpu_p50_ms": round(_percentile(cpu, 50), 1),
        "statuses": sorted(status),
        "bytes": len(response.content),
    }


def _pages(data: bytes) -> int | None:
    """The number of pages (pdfinfo, from poppler-utils), or None without it."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        try:
            info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, timeout=120).stdout
        except OSError:
            return None
    return next((int(line.split(":", 1)[1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def _time_pdf(process_slug: str) -> dict:
    """The PDF of version 2 in German, rendered (not from the cache), and one in Arabic."""
    from teilhabe.plan.documents import render_plan_pdf
    from teilhabe.plan.models import PlanVersion

    version = PlanVersion.objects.select_related("process").get(process__slug=process_slug, number=2)
    results = {}
    for language in ("de", "ar"):
        began, began_cpu = time.perf_counter(), time.process_time()
        data = render_plan_pdf(version, language)
        results[language] = {
            "seconds": round(time.perf_counter() - began, 1),
            "cpu_seconds": round(time.process_time() - began_cpu, 1),
            "bytes": len(data),
            "pages": _pages(data),
        }
    return results


def plan_operations(process_slug: str) -> dict:
    """The comparison (warm and with an emptied cache) and the PDF; the plan's operation row of the report."""
    from django.conf import settings
    from django.test.utils import override_settings

    name = f"plan: {MEASURES} measures, two versions"
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    try:
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}, DEBUG=False):
            load = os.getloadavg()[0]
            diff = _time_diff(process_slug, requests=DIFF_REQUESTS, clear=False)
            diff_cold = _time_diff(process_slug, requests=max(3, DIFF_REQUESTS // 4), clear=True)
            pdf = _time_pdf(process_slug)
    except Exception as error:  # noqa: BLE001 - reported as a failed operation, like the others
        return {"name": name, "error": f"{type(error).__name__}: {error}"}
    log(
        f"  {name}: diff p95 {diff['p95_ms']} ms (cache emptied: {diff_cold['p95_ms']} ms), "
        f"PDF {pdf['de']['seconds']} s ({pdf['de']['pages']} pages; Arabic {pdf['ar']['seconds']} s)"
    )
    met = (
        diff["statuses"] == diff_cold["statuses"] == [200]
        and diff["p95_ms"] <= DIFF_TARGET_MS
        and diff_cold["p95_ms"] <= DIFF_TARGET_MS
        and all(item["seconds"] <= PDF_TARGET_SECONDS for item in pdf.values())
    )
    return {
        "name": name,
        "measures": MEASURES,
        "diff": diff,
        "diff_cache_cleared": diff_cold,
        "pdf": pdf,
        "load_average_1m": round(load, 2),
        "targets": {"diff_ms": DIFF_TARGET_MS, "pdf_seconds": PDF_TARGET_SECONDS, "pages_p95_ms": TARGET_P95_MS},
        "met": met,
    }


def plan_markdown(operation: dict, pages: list[dict] | None = None) -> str:
    """The plan's lines of the summary: its operation and, when given, its pages' timings."""
    from benchmarks.report import operation_line

    lines = [
        "",
        f"Plan (targets: plan page and list of measures p95 ≤ {TARGET_P95_MS:.0f} ms; comparison of two versions "
        f"≤ {DIFF_TARGET_MS:.0f} ms; the PDF ≤ {PDF_TARGET_SECONDS:.0f} s):",
        "",
    ]
    for page in pages or ():
        verdict = "**over target**" if page["over_target"] else "ok"
        lines.append(
            f"- {page['name']}: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, CPU p50 {page['cpu_p50_ms']} ms, "
            f"{page['queries']} queries — {verdict}"
        )
    if "error" in operation:
        lines.append(operation_line(operation, ""))
    else:
        diff, cold, pdf = operation["diff"], operation["diff_cache_cleared"], operation["pdf"]
        details = (
            f"comparison p50 {diff['p50_ms']} ms, p95 {diff['p95_ms']} ms (CPU p50 {diff['cpu_p50_ms']} ms); with an "
            f"emptied cache p95 {cold['p95_ms']} ms; PDF {pdf['de']['seconds']} s (CPU {pdf['de']['cpu_seconds']} s, "
            f"{pdf['de']['pages']} pages, {pdf['de']['bytes'] / 2**20:.1f} MiB), in Arabic {pdf['ar']['seconds']} s "
            f"(CPU {pdf['ar']['cpu_seconds']} s); "
            f"load average {operation['load_average_1m']}"
        )
        lines.append(operation_line(operation, details))
    return "\n".join(lines) + "\n"


def main() -> int:
    """``python -m benchmarks.plan``: the bench database (reused when complete), the plan, its pages (page cache
    off, then on) and its operations; prints the plan's lines. Writes nothing under var/bench but the data."""
    from benchmarks.config import configure

    configure()
    from django.conf import settings
    from django.test.utils import override_settings

    from benchmarks.answers import prepare_answers
    from benchmarks.data import prepare_database
    from benchmarks.measure import measure

    started = time.monotonic()
    meta, data, _built = prepare_database(SCALE)
    slug = meta["process_slug"]
    prepare_answers(slug, data["contributions"])
    facts = prepare_plan(slug)
    log(f"bench: plan {facts}")
    pages = plan_pages(slug)
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    warmup, requests = int(os.environ.get("BENCH_WARMUP") or 5), int(os.environ.get("BENCH_REQUESTS") or 60)
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}, DEBUG=False, RATELIMIT_ENABLE=False):
        with override_settings(TEILHABE_PAGE_CACHE=False):
            results, failures = measure(pages, warmup=warmup, requests=requests)
        cached = [{**page, "name": f"{page['name']} (page cache)"} for page in pages if not page.get("clear_cache")]
        with override_settings(TEILHABE_PAGE_CACHE=True):
            cached_results, cached_failures = measure(cached, warmup=warmup, requests=requests)
    operation = plan_operations(slug)
    print(plan_markdown(operation, results + cached_results))
    log(f"bench: plan benchmark done in {time.monotonic() - started:.0f} s")
    failures += cached_failures + ([operation["error"]] if "error" in operation else [])
    if failures:
        print("bench: failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    over = any(result["over_target"] for result in results + cached_results)
    return 0 if operation["met"] and not over else 1


if __name__ == "__main__":
    sys.exit(main())
