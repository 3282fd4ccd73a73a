"""The generated data: bulk inserts into the models' own tables, and the checks that the result is consistent."""

import datetime as dt
import json
import os
import random
import time
from dataclasses import dataclass

from benchmarks.config import (
    BATCH,
    BENCH_DIR,
    DAYS,
    DB_PATH,
    GENERATOR_VERSION,
    MAX_COMMENTS,
    MAX_SUPPORTS,
    META_PATH,
    SEARCH_WORD,
    SEED,
    SIZES,
    log,
)
from benchmarks.texts import comment_text, contribution_text


class TableWriter:
    """INSERT into a model's table: the given columns per row, every other column its model default."""

    def __init__(self, model, columns: list[str]):
        from django.db import connection

        meta = model._meta
        given = set(columns)
        constant_columns, self.constants = [], ()
        for field in meta.local_concrete_fields:
            if field.attname in given or field.primary_key:
                continue
            value = field.get_default()
            if value is None and not field.null:
                raise RuntimeError(f"bench: {meta.label}.{field.name} has no default; give it a value")
            constant_columns.append(field.column)
            self.constants += (field.get_db_prep_save(value, connection),)
        names = [meta.get_field(name).column if name != "id" else "id" for name in columns] + constant_columns
        quote = connection.ops.quote_name
        self.sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(name) for name in names)}) "  # noqa: S608 - names from the model
            f"VALUES ({', '.join(['%s'] * len(names))})"
        )
        self.count = 0

    def write(self, rows) -> None:
        from django.db import connection

        batch = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(row + self.constants)
                if len(batch) >= BATCH:
                    cursor.executemany(self.sql, batch)
                    self.count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(self.sql, batch)
                self.count += len(batch)


def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname


def _ts(value: dt.datetime) -> str:
    # Django's SQLite format for a datetime: naive UTC (see DatabaseOperations.adapt_datetimefield_value).
    return str(value)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return lambda: rng.choices(values, weights)[0]


def _spread(rng: random.Random, total: int, weights: list[float], cap: int) -> list[int]:
    """Split ``total`` over the weights, at most ``cap`` each; the rest goes one by one to random others.

    At a tiny scale the caps may hold less than ``total``: then every one gets ``cap``.
    """
    total = min(total, cap * len(weights))
    scale = total / sum(weights)
    counts = [min(cap, int(weight * scale)) for weight in weights]
    missing = total - sum(counts)
    order = list(range(len(counts)))
    while missing > 0:
        rng.shuffle(order)
        for index in order:
            if missing == 0:
                break
            if counts[index] < cap:
                counts[index] += 1
                missing -= 1
    return counts


@dataclass
class Setting:
    """What the generated contributions refer to: the demo's city and process, as the demo builds them."""

    process: object
    fields: list
    target_groups: list
    districts: list
    neighbourhoods: dict  # district id -> neighbourhood ids
    organisations: list


@dataclass
class PlannedContributions:
    """Rows for the contribution table, decided before anything is written so that supports and comments can follow
    the statuses. ``public`` lists the indexes of the published or removed ones; the counts run parallel to it."""

    rows: list
    statuses: list
    published: list
    places: list
    public: list
    support_counts: list
    comment_totals: list


@dataclass
class PlannedComments:
    comments: list  # (created, contribution index, parent position or None, author, body, language, status, reason)
    order: list  # positions in comments, in order of time
    comment_id: dict  # position -> primary key


class StepTimer:
    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.steps = {}

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.steps[name] = round(now - self.last, 1)
        log(f"  {name}: {self.steps[name]} s")
        self.last = now

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 1)


def generate(scale: float) -> dict:
    """Build the bench database from nothing; returns what was generated.

    Every step draws from one random generator in a fixed order, so the same seed gives the same data.
    """
    from django.core.management import call_command
    from django.db import connection

    from teilhabe.contributions.tallies import tallies_build

    timer = StepTimer()
    sizes = {key: max(1, round(value * scale)) for key, value in SIZES.items()}
    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)  # naive UTC, as Django stores it
    log(f"bench: generating {sizes} into {DB_PATH} ...")

    call_command("migrate", interactive=False, verbosity=0)
    timer.step("migrate")
    setting = _setting()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")  # a throwaway database: no fsync while loading
        cursor.execute("PRAGMA cache_size=-262144")
    user_ids, coordinator_id = _write_users(sizes["users"], now)
    timer.step("users")
    planned = _plan_contributions(rng, now, sizes, setting, user_ids, coordinator_id)
    timer.step("contributions (generate)")
    comments = _plan_comments(rng, now, planned, user_ids)
    timer.step("comments (generate)")
    _write_contributions(rng, planned, setting)
    timer.step("contributions (insert, search index, fields of action)")
    _write_comments(planned, comments)
    timer.step("comments (insert)")
    _write_supports(rng, now, planned, user_ids)
    timer.step("supports (generate and insert)")
    tallies_build()  # the bulk inserts bypass the services: count the tallies of what they wrote
    timer.step("tallies")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    timer.step("ANALYZE")
    connection.close()
    return {
        "version": GENERATOR_VERSION,
        "scale": scale,
        "sizes": sizes,
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "generation_seconds": timer.total(),
        "steps_seconds": timer.steps,
        "process_slug": setting.process.slug,
    }


def _setting() -> Setting:
    from teilhabe.demo.services import _process
    from teilhabe.places.models import District, Neighbourhood
    from teilhabe.places.services import city_load_from_csv
    from teilhabe.stakeholders.models import Organisation

    city = city_load_from_csv(name="Hannover", slug="hannover")
    process = _process(city)
    neighbourhoods = {}
    for neighbourhood in Neighbourhood.objects.filter(district__city=city):
        neighbourhoods.setdefault(neighbourhood.district_id, []).append(neighbourhood.pk)
    return Setting(
        process=process,
        fields=list(process.fields_of_action.order_by("order")),
        target_groups=list(process.target_groups.order_by("order")),
        districts=list(District.objects.filter(city=city).order_by("number")),
        neighbourhoods=neighbourhoods,
        organisations=list(Organisation.objects.values_list("pk", flat=True)),
    )


def _write_users(count: int, now: dt.datetime) -> tuple[list[int], int]:
    """Accounts without passwords (unusable); verified or not does not matter for anonymous pages."""
    from django.db import transaction

    from teilhabe.accounts.models import User

    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    user_ids = list(range(first_user, first_user + count))
    coordinator_id = user_ids[-1] + 1
    joined = _ts(now - dt.timedelta(days=DAYS + 30))
    users = TableWriter(User, ["id", "email", "password", "display_name", "date_joined"])
    with transaction.atomic():
        users.write((pk, f"bench{pk:06d}@bench.teilhabe.test", "!bench", f"Nachbar·in {pk}", joined) for pk in user_ids)
        users.write([(coordinator_id, "koordination@bench.teilhabe.test", "!bench", "Sami (Koordination)", joined)])
    return user_ids, coordinator_id


CONTRIBUTION_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "process",
    "title",
    "body",
    "district",
    "neighbourhood",
    "language",
    "author",
    "organisation",
    "author_email",
    "email_confirmed_at",
    "channel",
    "entered_by",
    "original_date",
    "group_size",
    "form_serial",
    "publication_consent",
    "status",
    "removal_reason",
    "published_at",
    "support_count",
    "comment_count",
]


def _plan_contributions(rng, now, sizes, setting: Setting, user_ids, coordinator_id) -> PlannedContributions:
    from teilhabe.contributions.models import Channel, Contribution, RemovalReason, Status

    n = sizes["contributions"]
    first_id = (Contribution.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    start = now - dt.timedelta(days=DAYS)
    seconds = sorted(rng.uniform(0, DAYS * 86400 - 3600) for _ in range(n))  # ids grow with time
    language = _weighted(
        rng, [("de", 62), ("en", 8), ("tr", 8), ("ar", 7), ("ru", 5), ("pl", 3), ("fa", 3), ("uk", 3), ("other", 1)]
    )
    author_kind = _weighted(rng, [("account", 70), ("organisation", 5), ("analog", 17), ("email", 8)])
    analog_channel = _weighted(
        rng,
        [
            (Channel.WORKSHOP, 30),
            (Channel.PAPER_FORM, 25),
            (Channel.INFO_STAND, 15),
            (Channel.DISTRICT_COUNCIL, 12),
            (Channel.LETTER, 6),
            (Channel.PHONE, 5),
            (Channel.EXPERT_GROUP, 5),
            (Channel.OTHER, 2),
        ],
    )
    district_pick = _weighted(rng, [(district, district.population or 1) for district in setting.districts])
    removal_reasons = [reason for reason, _label in RemovalReason.choices]
    representatives = user_ids[:50]

    rows, statuses, published, places = [], [], [], []
    for index in range(n):
        pk = first_id + index
        created = start + dt.timedelta(seconds=seconds[index])
        kind = author_kind()
        district = district_pick() if rng.random() < 0.88 else None
        neighbourhood = rng.choice(setting.neighbourhoods[district.pk]) if district and rng.random() < 0.5 else None
        if kind == "email" and rng.random() < 0.15:
            status = Status.AWAITING_CONFIRMATION
        else:
            roll = rng.random()
            status = Status.PUBLISHED if roll < 0.955 else Status.REMOVED if roll < 0.975 else Status.IN_MODERATION
        public = status in (Status.PUBLISHED, Status.REMOVED)
        published_at = min(now, created + dt.timedelta(hours=rng.uniform(0.2, 30))) if public else None
        channel, author, organisation, email, confirmed, entered_by = Channel.ONLINE, None, None, "", None, None
        original_date, group_size, form_serial = None, None, ""
        if kind == "account":
            author = rng.choice(user_ids)
            channel = Channel.EMAIL if rng.random() < 0.04 else Channel.ONLINE
            if channel == Channel.EMAIL:
                entered_by = coordinator_id  # sent by e-mail, entered by the coordination (a constraint)
        elif kind == "organisation":
            author, organisation = rng.choice(representatives), rng.choice(setting.organisations)
        elif kind == "email":
            email = f"gast{pk}@example.org"
            confirmed = None if status == Status.AWAITING_CONFIRMATION else _ts(created + dt.timedelta(minutes=20))
        else:
            channel, entered_by = analog_channel(), coordinator_id
            original_date = (created - dt.timedelta(days=rng.randint(1, 10))).date().isoformat()
            if channel in (Channel.WORKSHOP, Channel.DISTRICT_COUNCIL, Channel.EXPERT_GROUP):
                group_size = rng.randint(4, 25)
            if channel == Channel.PAPER_FORM:
                form_serial = f"LIP4-{pk:07d}"
        place = district.name if district else "Hannover"
        title, body = contribution_text(rng, place)
        statuses.append(status)
        published.append(published_at)
        places.append(place)
        # In the order of CONTRIBUTION_COLUMNS; the two counters at the end are filled in later.
        rows.append(
            [
                pk,
                _ts(created),
                _ts(published_at or created),
                setting.process.pk,
                title,
                body,
                district.pk if district else None,
                neighbourhood,
                language(),
                author,
                organisation,
                email,
                confirmed,
                channel.value,
                entered_by,
                original_date,
                group_size,
                form_serial,
                True,
                status.value,
                rng.choice(removal_reasons) if status == Status.REMOVED else "",
                _ts(published_at) if published_at else None,
                0,
                0,
            ]
        )
    public = [index for index in range(n) if statuses[index] in (Status.PUBLISHED, Status.REMOVED)]
    # Popularity: log-normal, a heavy tail — a quarter of the contributions get no support, a few get thousands
    # of supports and a couple of hundred comments.
    popularity = [rng.lognormvariate(1.0, 1.6) for _ in public]
    support_counts = _spread(rng, sizes["supports"], popularity, min(MAX_SUPPORTS, len(user_ids)))
    comment_weights = [weight**0.7 * rng.lognormvariate(0, 0.5) for weight in popularity]
    comment_totals = _spread(rng, sizes["comments"], comment_weights, MAX_COMMENTS)
    return PlannedContributions(rows, statuses, published, places, public, support_counts, comment_totals)


def _plan_comments(rng, now, planned: PlannedContributions, user_ids) -> PlannedComments:
    """Threads with replies one level deep, ids in order of time across all contributions; sets the counters."""
    from teilhabe.contributions.models import Comment, RemovalReason, Status

    removal_reasons = [reason for reason, _label in RemovalReason.choices]
    rows = planned.rows
    comment_status = _weighted(rng, [(Status.PUBLISHED, 97), (Status.REMOVED, 2), (Status.IN_MODERATION, 1)])
    comments = []
    for position, index in enumerate(planned.public):
        total = planned.comment_totals[position]
        if not total:
            continue
        opened = planned.published[index]
        span = max(60.0, (now - opened).total_seconds() - 60)
        times = sorted(rng.uniform(30, span) for _ in range(total))
        tops = []
        for moment in times:
            parent = rng.choice(tops) if tops and rng.random() < 0.35 else None
            status = comment_status()
            contribution_language = rows[index][8]
            comments.append(
                (
                    opened + dt.timedelta(seconds=moment),
                    index,
                    parent,
                    rng.choice(user_ids),
                    comment_text(rng, planned.places[index]),
                    contribution_language if rng.random() < 0.8 else "de",
                    status.value,
                    rng.choice(removal_reasons) if status == Status.REMOVED else "",
                )
            )
            if parent is None:
                tops.append(len(comments) - 1)
            if status == Status.PUBLISHED:
                rows[index][-1] += 1  # comment_count: published comments only, as the services count
    order = sorted(range(len(comments)), key=lambda position: (comments[position][0], position))
    first_comment = (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    comment_id = {position: first_comment + rank for rank, position in enumerate(order)}
    for position, index in enumerate(planned.public):
        rows[index][-2] = planned.support_counts[position]
    return PlannedComments(comments, order, comment_id)


def _write_contributions(rng, planned: PlannedContributions, setting: Setting) -> None:
    """The contributions with their fields of action and target groups, and the search index in one rebuild."""
    from django.db import connection, transaction

    from teilhabe.contributions.models import Contribution
    from teilhabe.contributions.search import search_index_rebuild

    contributions = TableWriter(Contribution, [_attname(Contribution, name) for name in CONTRIBUTION_COLUMNS])
    field_pick = _weighted(rng, [(field.pk, 6 - min(order_, 5)) for order_, field in enumerate(setting.fields)])
    field_rows, group_rows = [], []
    for row in planned.rows:
        for field_id in {field_pick() for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))}:
            field_rows.append((row[0], field_id))
        if setting.target_groups and rng.random() < 0.4:
            for group in rng.sample(setting.target_groups, k=rng.choice((1, 1, 2))):
                group_rows.append((row[0], group.pk))
    fields_through = Contribution.fields_of_action.through
    groups_through = Contribution.target_groups.through
    with transaction.atomic():
        # The FTS5 index is filled in one 'rebuild' after the insert: much faster than its per-row trigger.
        triggers = _fts_insert_triggers()
        with connection.cursor() as cursor:
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        contributions.write(tuple(row) for row in planned.rows)
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)
        search_index_rebuild(connection)
        TableWriter(fields_through, ["contribution_id", "fieldofaction_id"]).write(field_rows)
        TableWriter(groups_through, ["contribution_id", "targetgroup_id"]).write(group_rows)


def _write_comments(planned: PlannedContributions, planned_comments: PlannedComments) -> None:
    from django.db import transaction

    from teilhabe.contributions.models import Comment

    columns = ["id", "created_at", "updated_at", "contribution_id", "parent_id", "author_id", "body", "language"]
    comment_writer = TableWriter(Comment, [*columns, "status", "removal_reason"])
    comments, comment_id = planned_comments.comments, planned_comments.comment_id
    with transaction.atomic():
        comment_writer.write(
            (
                comment_id[position],
                _ts(created),
                _ts(created),
                planned.rows[index][0],
                comment_id[parent] if parent is not None else None,
                author,
                body,
                lang,
                status,
                reason,
            )
            for position in planned_comments.order
            for created, index, parent, author, body, lang, status, reason in [comments[position]]
        )


def _write_supports(rng, now, planned: PlannedContributions, user_ids) -> None:
    from django.db import transaction

    from teilhabe.contributions.models import Support

    support_writer = TableWriter(Support, ["created_at", "contribution_id", "user_id"])

    def supports():
        for position, index in enumerate(planned.public):
            count = planned.support_counts[position]
            if not count:
                continue
            opened = planned.published[index]
            span = max(60.0, (now - opened).total_seconds() - 60)
            pk = planned.rows[index][0]
            for user in sorted(rng.sample(user_ids, count)):
                yield (_ts(opened + dt.timedelta(seconds=rng.uniform(10, span))), pk, user)

    with transaction.atomic():
        support_writer.write(supports())


def _fts_insert_triggers() -> list[tuple[str, str]]:
    """The AFTER INSERT triggers on contributions that feed the FTS5 index, with their SQL (to restore them)."""
    from django.db import connection

    from teilhabe.contributions.search import SQLITE_NAME

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contributions_contribution' "
            "AND sql LIKE '%%AFTER INSERT%%' AND sql LIKE %s",
            [f"%{SQLITE_NAME}%"],
        )
        return cursor.fetchall()


# --------------------------------------------------------------------------------------------------------------
# Checks: counts, counters and the search index agree with the rows.


def database_facts() -> dict:
    from django.db import connection

    from teilhabe.contributions.models import Comment, Contribution, Status, Support
    from teilhabe.contributions.search import SQLITE_NAME, search_match
    from teilhabe.contributions.tallies import tally_differences

    def scalar(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    contribution = Contribution._meta.db_table
    fields_through = Contribution.fields_of_action.through._meta.db_table
    facts = {
        "contributions": Contribution.objects.count(),
        "contributions_published": Contribution.objects.filter(status=Status.PUBLISHED).count(),
        "supports": Support.objects.count(),
        "comments": Comment.objects.count(),
        "comments_published": Comment.objects.filter(status=Status.PUBLISHED).count(),
        "users": scalar("SELECT count(*) FROM accounts_user"),
        "fields_of_action_links": scalar(f"SELECT count(*) FROM {fields_through}"),  # noqa: S608 - model table
        "max_supports_per_contribution": scalar(f"SELECT max(support_count) FROM {contribution}"),  # noqa: S608
        "max_comments_per_contribution": scalar(f"SELECT max(comment_count) FROM {contribution}"),  # noqa: S608
        "search_hits_for_query": scalar(
            f"SELECT count(*) FROM {SQLITE_NAME} WHERE {SQLITE_NAME} MATCH %s",  # noqa: S608 - a constant
            [search_match([SEARCH_WORD.lower()])],
        ),
        "database_mb": round(sum(path.stat().st_size for path in BENCH_DIR.glob(DB_PATH.name + "*")) / 2**20),
    }
    problems = []
    if scalar(
        f"SELECT count(*) FROM {contribution} c WHERE c.support_count != "  # noqa: S608 - model tables
        "(SELECT count(*) FROM contributions_support s WHERE s.contribution_id = c.id)"
    ):
        problems.append("support_count differs from the support rows")
    if scalar(
        f"SELECT count(*) FROM {contribution} c WHERE c.comment_count != "  # noqa: S608 - model tables
        "(SELECT count(*) FROM contributions_comment m WHERE m.contribution_id = c.id AND m.status = 'published')"
    ):
        problems.append("comment_count differs from the published comment rows")
    if tally_differences():
        problems.append("the tallies differ from a fresh count of the contributions")
    if scalar(f"SELECT count(*) FROM {contribution} WHERE id NOT IN (SELECT contribution_id FROM {fields_through})"):  # noqa: S608
        problems.append("contributions without a field of action")
    if not facts["search_hits_for_query"]:
        problems.append(f"the search index finds no '{SEARCH_WORD}'")
    if (
        scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contributions_contribution' "
            "AND sql LIKE %s",
            [f"%{SQLITE_NAME}%"],
        )
        < 3
    ):
        problems.append("search index triggers are missing")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SQLITE_NAME}({SQLITE_NAME}) VALUES ('integrity-check')"  # noqa: S608 - a constant
            )
    except Exception as error:  # noqa: BLE001 - any failure means the index is not usable
        problems.append(f"search index integrity-check failed: {error}")
    facts["problems"] = problems
    return facts


def prepare_database(scale: float) -> tuple[dict, dict, bool]:
    """Reuse the generated database when it has the right counts, else build it; returns (meta, facts, built)."""
    from django.core.management import call_command
    from django.db import connection

    meta = json.loads(META_PATH.read_text()) if META_PATH.exists() else None
    expected = {key: max(1, round(value * scale)) for key, value in SIZES.items()}
    rebuild = os.environ.get("BENCH_REBUILD", "").strip().lower() in {"1", "true", "yes"}
    reason = "BENCH_REBUILD is set" if rebuild else None
    if not reason and (not DB_PATH.exists() or meta is None):
        reason = "no generated database yet"
    if not reason and (meta.get("version") != GENERATOR_VERSION or meta.get("scale") != scale):
        reason = "generator version or scale changed"
    if not reason:
        t = time.perf_counter()
        from django.db.migrations.recorder import MigrationRecorder

        applied = len(MigrationRecorder(connection).applied_migrations())
        call_command("migrate", interactive=False, verbosity=0)  # new migrations of the project apply here too
        migrated = len(MigrationRecorder(connection).applied_migrations()) != applied
        facts = database_facts()
        counts = {key: facts[key] for key in ("contributions", "supports", "comments")}
        if counts != {key: expected[key] for key in counts}:
            reason = f"counts {counts} differ from {expected}"
        elif facts["problems"]:
            reason = "; ".join(facts["problems"])
        else:
            log(f"bench: reusing {DB_PATH} ({facts['database_mb']} MB, checked in {time.perf_counter() - t:.1f} s)")
            with connection.cursor() as cursor:
                # New indexes get their statistics (without them SQLite's planner may pick a worse index).
                cursor.execute("ANALYZE" if migrated else "PRAGMA optimize")
            return meta, facts, False
    log(f"bench: building the database ({reason})")
    connection.close()
    for path in BENCH_DIR.glob(DB_PATH.name + "*"):
        path.unlink()
    META_PATH.unlink(missing_ok=True)
    meta = generate(scale)
    facts = database_facts()
    if facts["problems"]:
        raise SystemExit("bench: the generated database is inconsistent: " + "; ".join(facts["problems"]))
    META_PATH.write_text(json.dumps(meta, indent=2))
    log(f"bench: generated in {meta['generation_seconds']} s ({facts['database_mb']} MB)")
    return meta, facts, True
