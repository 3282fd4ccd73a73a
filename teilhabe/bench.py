"""`make bench`: server time of the public pages on a large generated SQLite database.

Run as ``python -m teilhabe.bench``. The first run generates 100,000 contributions, 1,000,000 supports and
200,000 comments (by 8,000 accounts) into ``var/bench/bench.sqlite3`` — a database of its own, never the
development one — with the real schema (``migrate``) and the models' own tables. Later runs reuse it when its
counts are right. Then anonymous GET requests are timed in-process with ``django.test.Client`` (the whole
middleware stack and template rendering, no network), and the results go to ``var/bench/results.json`` and
``var/bench/summary.md``. docs/benchmarks.md explains the figures.

Environment:
  BENCH_REBUILD=1      throw the generated database away and build it again
  BENCH_SCALE=0.01     a fraction of the sizes, for a quick trial (its own database and result files)
  BENCH_REQUESTS=60    timed requests per page, after BENCH_WARMUP=5 untimed ones
  BENCH_DIR=var/bench  where the database and the results go

The command fails only when a page answers with anything but 200; pages over the target are flagged.
"""

import datetime as dt
import json
import math
import os
import platform
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("BENCH_DIR") or ROOT / "var" / "bench").resolve()
SCALE = float(os.environ.get("BENCH_SCALE") or 1)
# A trial at another scale gets files of its own and leaves the full-size database and results alone.
SUFFIX = "" if SCALE == 1 else f"-scale-{SCALE:g}"
DB_PATH = BENCH_DIR / f"bench{SUFFIX}.sqlite3"
META_PATH = BENCH_DIR / f"bench{SUFFIX}-db.json"
RESULTS_PATH = BENCH_DIR / f"results{SUFFIX}.json"
SUMMARY_PATH = BENCH_DIR / f"summary{SUFFIX}.md"
QUERIES_PATH = BENCH_DIR / f"slow-queries{SUFFIX}.md"
DEV_DB_PATH = (ROOT / "var" / "teilhabe.sqlite3").resolve()

GENERATOR_VERSION = 3  # raise when the generated data changes, so old databases are rebuilt
SEED = 2136
TARGET_P95_MS = 50.0
SIZES = {"contributions": 100_000, "supports": 1_000_000, "comments": 200_000, "users": 8_000}
MAX_SUPPORTS = 5_000  # per contribution
MAX_COMMENTS = 250  # per contribution
BATCH = 50_000  # rows per executemany; one transaction per table
DAYS = 180  # contributions arrive over the last half year
SEARCH_WORD = "Sprachkurs"
FILTER_FIELD = "bildung"
FILTER_DISTRICT = 10  # Linden-Limmer


def log(message: str) -> None:
    print(message, flush=True)


# --------------------------------------------------------------------------------------------------------------
# Settings: a database of its own, production-like settings, set before Django reads them.


def configure() -> None:
    if DB_PATH == DEV_DB_PATH:
        raise SystemExit("bench: refusing to use the development database")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "teilhabe.settings",
            "TEILHABE_VAR_DIR": str(BENCH_DIR),
            "DATABASE_URL": f"sqlite:///{DB_PATH}",
            "DEBUG": "0",
            "RATELIMIT_ENABLE": "0",
            "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
            "TEILHABE_DEMO": "0",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("REDIS_URL", None)  # the local-memory cache, as for a single process
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "k" * 40)
    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collected static files here
    BENCH_DIR.mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.db import connection

    name = Path(connection.settings_dict["NAME"]).resolve()
    if connection.vendor != "sqlite" or name != DB_PATH:
        raise SystemExit(f"bench: expected the bench database {DB_PATH}, got {connection.vendor} {name}")


# --------------------------------------------------------------------------------------------------------------
# Texts: German integration-topic words, so that full-text search finds something.

TOPICS = [
    # (singular, plural or phrase) — earlier entries are drawn more often
    "Sprachkurse",
    "Kita-Plätze",
    "Beratung",
    "Hausaufgabenhilfe",
    "Anerkennung von Abschlüssen",
    "Ausbildungsplätze",
    "Begegnungsorte",
    "Dolmetscherdienste",
    "Integrationskurse",
    "Wohnungssuche",
    "Sportangebote",
    "Elterncafés",
    "Mentoring",
    "Patenschaften",
    "Termine im Bürgeramt",
    "Jugendzentren",
    "Gesundheitsberatung",
    "Pflegeangebote",
    "Schwimmkurse",
    "Fahrradkurse",
    "Praktika",
    "Stipendien",
    "Existenzgründung",
    "Sozialberatung",
    "Schuldnerberatung",
    "Frauencafés",
    "Stadtteilfeste",
    "Kulturangebote",
    "Bibliotheken",
    "Spielplätze",
    "Busverbindungen",
    "Antidiskriminierungsberatung",
    "Wahlrecht für alle",
    "Einbürgerung",
    "Mehrsprachigkeit",
    "interkulturelle Öffnung",
    "Ehrenamt",
]
GROUPS = [
    "Familien",
    "Jugendliche",
    "Geflüchtete",
    "ältere Menschen",
    "Studierende",
    "Fachkräfte",
    "Frauen",
    "Neuzugewanderte",
    "EU-Zugewanderte",
    "Eltern",
    "Kinder",
    "Alleinerziehende",
]
OPENERS = ["Mehr", "Bessere", "Kostenlose", "Mehrsprachige", "Wohnortnahe", "Regelmäßige", "Offene", "Neue"]
LANGUAGE_NAMES = ["Arabisch", "Türkisch", "Englisch", "Russisch", "Ukrainisch", "Farsi", "Polnisch", "Leichter Sprache"]
SENTENCES = [
    "Wir wünschen uns mehr {t1} im Stadtteil {place}.",
    "{T1} sind für viele {group} schwer zu erreichen.",
    "Es fehlt an {t1} und {t2} auf {lang}.",
    "Bitte bieten Sie {t1} auch abends und am Wochenende an.",
    "In {place} gibt es zu wenig {t1}, besonders für {group}.",
    "Eine bessere Zusammenarbeit zwischen {t1} und {t2} würde vielen helfen.",
    "Die Wartezeit für {t1} beträgt oft mehrere Monate.",
    "Informationen über {t1} sollten mehrsprachig und in Leichter Sprache verfügbar sein.",
    "Viele {group} engagieren sich bereits für {t1}, brauchen aber Räume und Unterstützung.",
    "Der Integrationsbeirat {place} hat über {t1} beraten und unterstützt den Vorschlag.",
    "Migrant*innenorganisationen könnten {t1} gemeinsam mit der Stadtverwaltung anbieten.",
    "Gerade {group} würden von {t1} in der Nachbarschaft profitieren.",
    "Die Stadt sollte {t1} dauerhaft finanzieren statt nur als Projekt.",
]
COMMENT_SENTENCES = [
    "Das sehe ich genauso, {t1} sind wirklich wichtig.",
    "Gute Idee! In {place} fehlen auch {t1}.",
    "Ich bin skeptisch: {t1} gibt es doch schon, sie sind nur nicht bekannt.",
    "Wer wäre dafür zuständig – die Stadt oder die Träger von {t1}?",
    "Als Mutter von zwei Kindern kann ich das nur unterstützen.",
    "Bei uns im Verein haben wir mit {t1} gute Erfahrungen gemacht.",
    "Wichtig wäre auch, an {group} zu denken.",
    "Danke für den Vorschlag, ich unterstütze ihn.",
]


TOPIC_WEIGHTS = [1 / (rank + 2) for rank in range(1, len(TOPICS) + 1)]  # the search word: about 1 in 5


def _topic(rng: random.Random) -> str:
    return rng.choices(TOPICS, TOPIC_WEIGHTS)[0]


def _fill(rng: random.Random, template: str, place: str, topics: tuple[str, str]) -> str:
    # Mostly the contribution's own two topics, now and then another one.
    t1, t2 = (rng.choice(topics) if rng.random() < 0.9 else rng.choice(TOPICS) for _ in range(2))
    return template.format(
        t1=t1, t2=t2, T1=t1[0].upper() + t1[1:], group=rng.choice(GROUPS), place=place, lang=rng.choice(LANGUAGE_NAMES)
    )


def contribution_text(rng: random.Random, place: str) -> tuple[str, str]:
    topics = (_topic(rng), _topic(rng))
    title = f"{rng.choice(OPENERS)} {topics[0]} für {rng.choice(GROUPS)}"
    if rng.random() < 0.6:
        title += f" in {place}"
    body = " ".join(_fill(rng, rng.choice(SENTENCES), place, topics) for _ in range(rng.randint(3, 9)))
    return title, body


def comment_text(rng: random.Random, place: str) -> str:
    topics = (_topic(rng), rng.choice(TOPICS))
    return " ".join(_fill(rng, rng.choice(COMMENT_SENTENCES), place, topics) for _ in range(rng.randint(1, 3)))


# --------------------------------------------------------------------------------------------------------------
# Generation: bulk inserts into the models' tables.


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
    """Split ``total`` over the weights, at most ``cap`` each; the rest goes one by one to random others."""
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


def generate(scale: float) -> dict:
    """Build the bench database from nothing; returns what was generated."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from teilhabe.accounts.models import User
    from teilhabe.contributions.models import Channel, Comment, Contribution, RemovalReason, Status, Support
    from teilhabe.demo.services import _process
    from teilhabe.places.models import District, Neighbourhood
    from teilhabe.places.services import city_load_from_csv
    from teilhabe.stakeholders.models import Organisation

    started = time.perf_counter()
    steps = {}

    def step(name, since):
        steps[name] = round(time.perf_counter() - since, 1)
        log(f"  {name}: {steps[name]} s")
        return time.perf_counter()

    sizes = {key: max(1, round(value * scale)) for key, value in SIZES.items()}
    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)  # naive UTC, as Django stores it
    log(f"bench: generating {sizes} into {DB_PATH} ...")

    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    t = step("migrate", t)

    # Setup: the city, the process with its phases, fields and target groups, as the demo builds them.
    city = city_load_from_csv(name="Hannover", slug="hannover")
    process = _process(city)
    fields = list(process.fields_of_action.order_by("order"))
    target_groups = list(process.target_groups.order_by("order"))
    districts = list(District.objects.filter(city=city).order_by("number"))
    neighbourhoods = {}
    for neighbourhood in Neighbourhood.objects.filter(district__city=city):
        neighbourhoods.setdefault(neighbourhood.district_id, []).append(neighbourhood.pk)
    organisations = list(Organisation.objects.values_list("pk", flat=True))

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")  # a throwaway database: no fsync while loading
        cursor.execute("PRAGMA cache_size=-262144")

    # Accounts: no passwords (unusable), verified or not does not matter for anonymous pages.
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    user_ids = list(range(first_user, first_user + sizes["users"]))
    coordinator_id = user_ids[-1] + 1
    joined = _ts(now - dt.timedelta(days=DAYS + 30))
    users = TableWriter(User, ["id", "email", "password", "display_name", "date_joined"])
    with transaction.atomic():
        users.write((pk, f"bench{pk:06d}@bench.teilhabe.test", "!bench", f"Nachbar·in {pk}", joined) for pk in user_ids)
        users.write([(coordinator_id, "koordination@bench.teilhabe.test", "!bench", "Sami (Koordination)", joined)])
    t = step("users", t)

    # Contributions: decide everything first, so supports and comments can follow the statuses.
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
    district_pick = _weighted(rng, [(district, district.population or 1) for district in districts])
    removal_reasons = [reason for reason, _label in RemovalReason.choices]
    representatives = user_ids[:50]

    rows, statuses, published, places = [], [], [], []
    for index in range(n):
        pk = first_id + index
        created = start + dt.timedelta(seconds=seconds[index])
        kind = author_kind()
        district = district_pick() if rng.random() < 0.88 else None
        neighbourhood = rng.choice(neighbourhoods[district.pk]) if district and rng.random() < 0.5 else None
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
        elif kind == "organisation":
            author, organisation = rng.choice(representatives), rng.choice(organisations)
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
        rows.append(
            [
                pk,
                _ts(created),
                _ts(published_at or created),
                process.pk,
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
    t = step("contributions (generate)", t)

    # Comments: threads with replies one level deep, ids in order of time across all contributions.
    comment_status = _weighted(rng, [(Status.PUBLISHED, 97), (Status.REMOVED, 2), (Status.IN_MODERATION, 1)])
    comments = []  # (created, contribution index, parent position or None, author, body, language, status, reason)
    for position, index in enumerate(public):
        total = comment_totals[position]
        if not total:
            continue
        opened = published[index]
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
                    comment_text(rng, places[index]),
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
    for position, index in enumerate(public):
        rows[index][-2] = support_counts[position]
    t = step("comments (generate)", t)

    contribution_columns = [
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
    contributions = TableWriter(Contribution, [_attname(Contribution, name) for name in contribution_columns])
    field_pick = _weighted(rng, [(field.pk, 6 - min(order_, 5)) for order_, field in enumerate(fields)])
    field_rows, group_rows = [], []
    for row in rows:
        for field_id in {field_pick() for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))}:
            field_rows.append((row[0], field_id))
        if target_groups and rng.random() < 0.4:
            for group in rng.sample(target_groups, k=rng.choice((1, 1, 2))):
                group_rows.append((row[0], group.pk))
    fields_through = Contribution.fields_of_action.through
    groups_through = Contribution.target_groups.through
    with transaction.atomic():
        # The FTS5 index is filled in one 'rebuild' after the insert: much faster than its per-row trigger.
        triggers = _fts_insert_triggers()
        with connection.cursor() as cursor:
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        contributions.write(tuple(row) for row in rows)
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)
            cursor.execute(
                "INSERT INTO contributions_contribution_fts(contributions_contribution_fts) VALUES ('rebuild')"
            )
        TableWriter(fields_through, ["contribution_id", "fieldofaction_id"]).write(field_rows)
        TableWriter(groups_through, ["contribution_id", "targetgroup_id"]).write(group_rows)
    t = step("contributions (insert, search index, fields of action)", t)

    comment_writer = TableWriter(
        Comment,
        [
            "id",
            "created_at",
            "updated_at",
            "contribution_id",
            "parent_id",
            "author_id",
            "body",
            "language",
            "status",
            "removal_reason",
        ],
    )
    with transaction.atomic():
        comment_writer.write(
            (
                comment_id[position],
                _ts(created),
                _ts(created),
                rows[index][0],
                comment_id[parent] if parent is not None else None,
                author,
                body,
                lang,
                status,
                reason,
            )
            for position in order
            for created, index, parent, author, body, lang, status, reason in [comments[position]]
        )
    t = step("comments (insert)", t)

    support_writer = TableWriter(Support, ["created_at", "contribution_id", "user_id"])

    def supports():
        for position, index in enumerate(public):
            count = support_counts[position]
            if not count:
                continue
            opened = published[index]
            span = max(60.0, (now - opened).total_seconds() - 60)
            pk = rows[index][0]
            for user in sorted(rng.sample(user_ids, count)):
                yield (_ts(opened + dt.timedelta(seconds=rng.uniform(10, span))), pk, user)

    with transaction.atomic():
        support_writer.write(supports())
    t = step("supports (generate and insert)", t)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    t = step("ANALYZE", t)
    connection.close()
    return {
        "version": GENERATOR_VERSION,
        "scale": scale,
        "sizes": sizes,
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "generation_seconds": round(time.perf_counter() - started, 1),
        "steps_seconds": steps,
        "process_slug": process.slug,
    }


def _fts_insert_triggers() -> list[tuple[str, str]]:
    """The AFTER INSERT triggers on contributions that feed the FTS5 index, with their SQL (to restore them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contributions_contribution' "
            "AND sql LIKE '%AFTER INSERT%' AND sql LIKE '%contributions_contribution_fts%'"
        )
        return cursor.fetchall()


# --------------------------------------------------------------------------------------------------------------
# Checks: counts, counters and the search index agree with the rows.


def database_facts() -> dict:
    from django.db import connection

    from teilhabe.contributions.models import Comment, Contribution, Status, Support

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
            "SELECT count(*) FROM contributions_contribution_fts WHERE contributions_contribution_fts MATCH %s",
            [f'"{SEARCH_WORD.lower()}"*'],
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
    if scalar(f"SELECT count(*) FROM {contribution} WHERE id NOT IN (SELECT contribution_id FROM {fields_through})"):  # noqa: S608
        problems.append("contributions without a field of action")
    if not facts["search_hits_for_query"]:
        problems.append(f"the search index finds no '{SEARCH_WORD}'")
    if (
        scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contributions_contribution' "
            "AND sql LIKE '%contributions_contribution_fts%'"
        )
        < 3
    ):
        problems.append("search index triggers are missing")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO contributions_contribution_fts(contributions_contribution_fts) VALUES ('integrity-check')"
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
        call_command("migrate", interactive=False, verbosity=0)  # new migrations of the project apply here too
        facts = database_facts()
        counts = {key: facts[key] for key in ("contributions", "supports", "comments")}
        if counts != {key: expected[key] for key in counts}:
            reason = f"counts {counts} differ from {expected}"
        elif facts["problems"]:
            reason = "; ".join(facts["problems"])
        else:
            log(f"bench: reusing {DB_PATH} ({facts['database_mb']} MB, checked in {time.perf_counter() - t:.1f} s)")
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA optimize")
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


# --------------------------------------------------------------------------------------------------------------
# Measurement.


def pages_to_measure(process_slug: str) -> list[dict]:
    from django.conf import settings
    from django.urls import reverse

    from teilhabe.contributions.models import Contribution, Status

    base = reverse("contributions:list", kwargs={"slug": process_slug})
    published = Contribution.objects.filter(process__slug=process_slug, status=Status.PUBLISHED)
    last_page = max(1, math.ceil(published.count() / settings.TEILHABE_PAGE_SIZE))
    busiest = list(published.order_by("-comment_count", "-support_count").values_list("pk", flat=True)[:10])
    typical_rng = random.Random(SEED)
    pool = list(published.filter(comment_count__lte=5).values_list("pk", flat=True)[:5000])
    typical = typical_rng.sample(pool, min(20, len(pool)))

    def detail(pk):
        return reverse("contributions:detail", kwargs={"pk": pk})

    return [
        {"name": "home", "urls": [reverse("processes:home")]},
        # Every support or comment makes the cached process figures stale: the home page right after a write.
        {"name": "home (cache cleared)", "urls": [reverse("processes:home")], "clear_cache": True},
        {"name": "list: first page", "urls": [base]},
        {"name": "list: field", "urls": [f"{base}?field={FILTER_FIELD}"]},  # linked from the process page
        {"name": "list: field + district", "urls": [f"{base}?field={FILTER_FIELD}&district={FILTER_DISTRICT}"]},
        {"name": "list: search", "urls": [f"{base}?q={SEARCH_WORD}"]},
        # List counts are cached until a contribution enters or leaves a list: the first visit of a filter
        # or search (or any visit right after a new contribution) counts afresh.
        {"name": "list: search (cache cleared)", "urls": [f"{base}?q={SEARCH_WORD}"], "clear_cache": True},
        {
            "name": "list: field + district (cache cleared)",
            "urls": [f"{base}?field={FILTER_FIELD}&district={FILTER_DISTRICT}"],
            "clear_cache": True,
        },
        {"name": "list: last page", "urls": [f"{base}?page={last_page}"]},
        {"name": "list: most supported", "urls": [f"{base}?sort=supported"]},
        {"name": "detail: most discussed", "urls": [detail(pk) for pk in busiest]},
        {"name": "detail: typical", "urls": [detail(pk) for pk in typical]},
    ]


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


class QueryRecorder:
    """Records each query of a request with its own time (django.db execute_wrapper), for counts and diagnosis."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append({"sql": sql, "params": params, "ms": (time.perf_counter() - began) * 1000})


def measure(pages: list[dict], *, warmup: int, requests: int) -> tuple[list[dict], list[str]]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()  # anonymous; keeps its cookies (the CSRF cookie) like a browser
    results, failures = [], []
    for page in pages:
        urls = page["urls"]
        for index in range(warmup):
            client.get(urls[index % len(urls)])
        times, cpu_times = [], []
        for index in range(requests):
            url = urls[index % len(urls)]
            if page.get("clear_cache"):
                cache.clear()  # outside the timed part
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            cpu_times.append((time.process_time() - began_cpu) * 1000)
            if response.status_code != 200:
                failures.append(f"{page['name']}: {url} answered {response.status_code}")
        recorder = QueryRecorder()
        if page.get("clear_cache"):
            cache.clear()
        with connection.execute_wrapper(recorder):
            response = client.get(urls[0])
        page["queries"] = recorder.queries
        sql_ms = sum(query["ms"] for query in recorder.queries)
        p95 = _percentile(times, 95)
        results.append(
            {
                "name": page["name"],
                "url": urls[0] + (f" (+{len(urls) - 1} more, rotated)" if len(urls) > 1 else ""),
                "urls": urls,
                "p50_ms": round(_percentile(times, 50), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(times), 1),
                "cpu_p50_ms": round(_percentile(cpu_times, 50), 1),
                "cpu_p95_ms": round(_percentile(cpu_times, 95), 1),
                "requests": requests,
                "queries": len(recorder.queries),
                "sql_ms": round(sql_ms, 1),
                "bytes": len(response.content),
                "over_target": p95 > TARGET_P95_MS,
            }
        )
        log(f"  {page['name']:<26} p50 {results[-1]['p50_ms']:>7.1f} ms   p95 {p95:>7.1f} ms")
    return results, failures


def explain_slow_queries(pages: list[dict], results: list[dict], *, slower_than_ms: float = 2.0) -> str:
    """For each page over target: its slow queries with their time and SQLite's query plan (markdown)."""
    from django.db import connection

    lines = ["# Slow queries of the pages over target", ""]
    for page, result in zip(pages, results, strict=True):
        if not result["over_target"]:
            continue
        slow = [query for query in page.get("queries", []) if query["ms"] >= slower_than_ms]
        sql_ms = result["sql_ms"]
        lines += [
            f"## {page['name']} — p95 {result['p95_ms']} ms, {result['queries']} queries, SQL {sql_ms} ms",
            "",
            f"`{page['urls'][0]}`; the rest of the time ({max(0.0, result['p50_ms'] - sql_ms):.0f} ms at p50) is "
            "Python: view, forms, template rendering.",
            "",
        ]
        for query in sorted(slow, key=lambda query: -query["ms"]):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"], query["params"])
                plan = [row[-1] for row in cursor.fetchall()]
            lines += [
                f"### {query['ms']:.1f} ms",
                "",
                "```sql",
                query["sql"],
                "```",
                f"params: `{[str(param) for param in query['params'] or ()]}`",
                "",
                "Plan:",
                "",
                *(f"- {step}" for step in plan),
                "",
            ]
        if not slow:
            lines += [f"No query over {slower_than_ms} ms.", ""]
    return "\n".join(lines) + "\n"


def git_commit() -> str | None:
    """The checked-out commit (read from .git, without running git); None outside a checkout."""
    try:
        head = (ROOT / ".git" / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        path = ROOT / ".git" / ref
        if path.exists():
            return path.read_text().strip()
        for line in (ROOT / ".git" / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return None


def machine_facts() -> dict:
    memory_kb = 0
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    import django

    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": round(memory_kb / 2**20, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def summary_markdown(report: dict) -> str:
    machine, data = report["machine"], report["data"]
    lines = [
        f"# teilhabe bench — {report['date']}",
        "",
        f"Code: commit {(report['git_commit'] or 'unknown')[:10]} (plus any uncommitted changes in the checkout).",
        f"Machine: {machine['nproc']} CPU ({machine['cpu']}), {machine['memory_gb']} GB RAM; Python "
        f"{machine['python']}, Django {machine['django']}, SQLite {machine['sqlite']}.",
        f"Data: {data['contributions']:,} contributions ({data['contributions_published']:,} published), "
        f"{data['supports']:,} supports, {data['comments']:,} comments, {data['users']:,} accounts; "
        f"database {data['database_mb']} MB.",
        f"Server time per request in-process (django.test.Client, anonymous, DEBUG off), {report['warmup']} warm-up "
        f"and {report['requests']} timed requests per page. Target: p95 ≤ {TARGET_P95_MS:.0f} ms.",
        "",
        "| Page | URL | p50 ms | p95 ms | max ms | CPU p50 ms | queries | SQL ms | |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in report["pages"]:
        flag = "**over target**" if page["over_target"] else "ok"
        lines.append(
            f"| {page['name']} | `{page['url']}` | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | "
            f"{page['max_ms']:.1f} | {page['cpu_p50_ms']:.1f} | {page['queries']} | {page['sql_ms']:.1f} | {flag} |"
        )
    over = [page["name"] for page in report["pages"] if page["over_target"]]
    lines += ["", f"Over target: {', '.join(over)}." if over else "All pages within target."]
    if report["failures"]:
        lines += ["", "Failed requests:", *(f"- {failure}" for failure in report["failures"])]
    lines.append("")
    lines += [
        "CPU p50: processor time of the request in this process (less disturbed by other load than wall time). "
        "queries, SQL ms: number and summed time of the database queries of one extra request.",
        f"Load average (1 min) before / after timing: {report['load_average_1m']['before']} / "
        f"{report['load_average_1m']['after']}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    configure()
    from django.test.utils import override_settings

    scale = SCALE
    requests = int(os.environ.get("BENCH_REQUESTS") or 60)
    warmup = int(os.environ.get("BENCH_WARMUP") or 5)
    meta, data, built = prepare_database(scale)

    from django.conf import settings

    # Plain static storage: templates render {% static %} without a collected manifest.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": plain}
    with override_settings(STORAGES=storages, DEBUG=False, RATELIMIT_ENABLE=False):
        pages = pages_to_measure(meta["process_slug"])
        log(f"bench: timing {len(pages)} pages, {warmup} warm-up + {requests} timed requests each")
        load_before = machine_facts()["load_average_1m"]
        results, failures = measure(pages, warmup=warmup, requests=requests)
        load_after = machine_facts()["load_average_1m"]
        QUERIES_PATH.write_text(explain_slow_queries(pages, results))

    report = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "target_p95_ms": TARGET_P95_MS,
        "warmup": warmup,
        "requests": requests,
        "machine": machine_facts(),
        "load_average_1m": {"before": load_before, "after": load_after},
        "data": {key: value for key, value in data.items() if key != "problems"},
        "database": {
            "path": str(DB_PATH),
            "generated_at": meta["generated_at"],
            "generation_seconds": meta["generation_seconds"],
            "generation_steps_seconds": meta.get("steps_seconds", {}),
            "built_this_run": built,
            "scale": scale,
        },
        "pages": results,
        "failures": failures,
    }
    RESULTS_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    summary = summary_markdown(report)
    SUMMARY_PATH.write_text(summary)
    print()
    print(summary)
    print(f"Written to {BENCH_DIR}: {RESULTS_PATH.name}, {SUMMARY_PATH.name}, {QUERIES_PATH.name}")
    if failures:
        print("bench: some requests did not answer 200", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
