"""No page, export, feed, search result or PDF shows an application, a score or a recusal to someone who may not
see it. Every role (and the jurors: the chair, one recused, one who has not declared) is tried on every page of
the competition and on the public pages, feeds and search that exist around it, before and after closing."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.competitions import services
from teilhabe.competitions.models import JuryMembership, Score
from teilhabe.competitions.tests.conftest import ALL_ITEMS, client_of, draft
from teilhabe.conftest import PASSWORD

pytestmark = pytest.mark.django_db

APPLICATION_SECRET = "ANTRAGSGEHEIMNIS"
SCORE_SECRET = "BEWERTUNGSGEHEIMNIS"
RECUSAL_SECRET = "BEFANGENHEITSGEHEIMNIS"


@pytest.fixture
def world(open_call, participant, coordinator, process, city):
    """An eligible application (its description and budget carry a secret), scored by the chair with a secret
    comment, one juror recused with a secret note, one juror who has not declared."""
    jurors = {}
    for name in ("chair", "recused", "undeclared"):
        user = user_create_verified(email=f"{name}@example.org", password=PASSWORD, roles=[Role.JURY_MEMBER])
        JuryMembership.objects.create(call=open_call, user=user, is_chair=name == "chair")
        jurors[name] = user
    application = draft(participant, open_call, process, city, description=f"Beschreibung {APPLICATION_SECRET}")
    services.application_submit(user=participant, application=application)
    services.eligibility_record(user=coordinator, application=application, checklist=ALL_ITEMS, is_eligible=True)
    services.conflict_declare(user=jurors["chair"], application=application, has_conflict=False)
    services.conflict_declare(
        user=jurors["recused"], application=application, has_conflict=True, note=f"Vorstand {RECUSAL_SECRET}"
    )
    # The call has a public support phase, open now; the application was not consented to a public summary.
    now = timezone.now()
    data = {name: getattr(open_call, name) for name in services.CALL_FIELDS}
    services.call_update(
        user=coordinator,
        call=open_call,
        **{
            **data,
            "support_opens": now - datetime.timedelta(hours=1),
            "support_closes": now + datetime.timedelta(days=7),
        },
    )
    open_call.refresh_from_db()
    criteria = open_call.criteria.all()
    services.scores_record(
        user=jurors["chair"], application=application, scores={c.pk: (7, f"Kommentar {SCORE_SECRET}") for c in criteria}
    )
    return {"application": application, "jurors": jurors, "call": open_call}


def urls(world, process):
    call, application = world["call"], world["application"]
    pk = application.pk
    stored = application.files.first()
    public = [
        reverse("pages:home") if _has("pages:home") else "/",
        reverse("processes:detail", kwargs={"slug": process.slug}),
        reverse("contributions:list", kwargs={"slug": process.slug}) + "?q=Beschreibung",  # a word of the application
        reverse("events:feed", kwargs={"slug": process.slug}),
        reverse("competitions:public_calls", kwargs={"slug": process.slug}),
        reverse("competitions:public_call", kwargs={"slug": process.slug, "pk": call.pk}),
        reverse("competitions:public_support", kwargs={"slug": process.slug, "pk": call.pk}),
    ]
    private = [
        reverse("competitions:application", kwargs={"pk": pk}),
        reverse("competitions:applications_mine"),
        reverse("competitions:call_applications", kwargs={"pk": call.pk}),
        reverse("competitions:jury", kwargs={"pk": call.pk}),
        reverse("competitions:jury_application", kwargs={"pk": call.pk, "application": pk}),
        reverse("competitions:eligibility", kwargs={"pk": pk}),
        reverse("competitions:supports", kwargs={"pk": call.pk}),
        reverse("competitions:jury_setup", kwargs={"pk": call.pk}),
        *[reverse("competitions:call_summary", kwargs={"pk": call.pk, "format": f}) for f in ("pdf", "xlsx", "ods")],
    ]
    if stored:
        private.append(reverse("competitions:application_file", kwargs={"pk": pk, "file": stored.pk}))
    return public, private


def _has(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def visible_text(response) -> str:
    """What a response shows: HTML and text as they are, PDFs as their extracted text, spreadsheets unzipped."""
    import io
    import subprocess
    import zipfile

    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"%PDF"):
        return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "ignore") for name in archive.namelist())
    return content.decode("utf-8", "ignore")


def secrets_in(text: str) -> set[str]:
    return {secret for secret in (APPLICATION_SECRET, SCORE_SECRET, RECUSAL_SECRET) if secret in text}


def viewers(personas, world):
    return {"anonymous": None, **personas, **{f"juror:{name}": user for name, user in world["jurors"].items()}}


# Who may see which secret, before and after the chair closes scoring.
ALLOWED_OPEN = {
    "participant": {APPLICATION_SECRET},  # the applicant: their application
    "coordinator": {APPLICATION_SECRET},  # the call's coordinators: the application, no scores before closing
    "juror:chair": {APPLICATION_SECRET, SCORE_SECRET},  # their own scores
}
ALLOWED_CLOSED = {
    "participant": {APPLICATION_SECRET},
    "coordinator": {APPLICATION_SECRET, SCORE_SECRET},
    "juror:chair": {APPLICATION_SECRET, SCORE_SECRET},
}


def _check(personas, world, process, allowed):
    public, private = urls(world, process)
    leaks = []
    for name, user in viewers(personas, world).items():
        client = client_of(user)
        for url in public + private:
            response = client.get(url)
            if response.status_code != 200:
                continue
            found = secrets_in(visible_text(response)) - allowed.get(name, set())
            if found:
                leaks.append(f"{name} sees {sorted(found)} on {url}")
    return leaks


def test_nothing_leaks_while_scoring_is_open(personas, world, process):
    assert _check(personas, world, process, ALLOWED_OPEN) == []


def test_nothing_leaks_after_closing_and_never_to_the_recused(personas, world, process):
    services.scoring_close(user=world["jurors"]["chair"], call=world["call"])
    leaks = _check(personas, world, process, ALLOWED_CLOSED)
    assert leaks == []
    # The recusal note is in no page at all (it is kept in the audit log only).
    assert all(RECUSAL_SECRET not in line for line in leaks)


def test_the_recused_juror_sees_no_score_even_where_others_do(personas, world, process):
    services.scoring_close(user=world["jurors"]["chair"], call=world["call"])
    call, application = world["call"], world["application"]
    page = reverse("competitions:jury_application", kwargs={"pk": call.pk, "application": application.pk})
    assert SCORE_SECRET in client_of(world["jurors"]["chair"]).get(page).content.decode()
    recused = client_of(world["jurors"]["recused"]).get(page).content.decode()
    assert SCORE_SECRET not in recused and APPLICATION_SECRET not in recused and "7.00" not in recused


def test_the_checks_can_fail(personas, world, process):
    """The leak check itself finds a secret when one is put on a public page (here: the call's description)."""
    call = world["call"]
    data = {name: getattr(call, name) for name in services.CALL_FIELDS}
    services.call_update(user=personas["coordinator"], call=call, **{**data, "description": SCORE_SECRET})
    from django.core.cache import cache

    cache.clear()
    assert _check(personas, world, process, ALLOWED_OPEN)


def test_the_command_writes_no_comment_or_note(world, tmp_path):
    services.scoring_close(user=world["jurors"]["chair"], call=world["call"])
    for format in ("pdf", "xlsx", "ods"):
        output = tmp_path / f"summary.{format}"
        call_command("call_summary", "--call", str(world["call"].pk), "--format", format, "--output", str(output))
        data = output.read_bytes()

        class Fake:
            streaming = False
            content = data

        assert secrets_in(visible_text(Fake())) == set(), format
    assert Score.objects.filter(comment__contains=SCORE_SECRET).exists()  # the secret exists, it is just not shown


def test_a_public_summary_shows_what_the_applicant_agreed_to_and_no_more(personas, world, process, participant):
    """With consent, the public support page shows the description (the applicant agreed to it), never a score, a
    recusal, the budget plan or the applicant's contacts, to anyone; withdrawn, nothing of it stays."""
    from django.core.cache import cache

    application, call = world["application"], world["call"]
    services.application_summary_consent_set(user=participant, application=application, consent=True)
    cache.clear()
    page = reverse("competitions:public_support", kwargs={"slug": process.slug, "pk": call.pk})
    for name, user in viewers(personas, world).items():
        text = client_of(user).get(page).content.decode()
        assert APPLICATION_SECRET in text, name
        assert not {SCORE_SECRET, RECUSAL_SECRET} & secrets_in(text), name
        assert "Honorare" not in text and participant.email not in text, name
    services.application_withdraw(user=participant, application=application)
    cache.clear()
    assert APPLICATION_SECRET not in client_of(None).get(page).content.decode()
