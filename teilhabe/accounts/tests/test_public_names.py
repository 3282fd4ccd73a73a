"""Point 1 of issue 6: no part of any e-mail address reaches a public page, feed or PDF.

A public name is the chosen display name or a neutral pseudonym built from the account's number, in the
reader's language; sign-up offers the display name.
"""

import re
import subprocess

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from teilhabe.accounts.models import Role, User
from teilhabe.accounts.services import role_groups_sync, user_create_verified
from teilhabe.conftest import PASSWORD, make_contribution
from teilhabe.contributions import services
from teilhabe.stakeholders.models import Organisation, OrganisationType, Representative

PSEUDONYMOUS = "zorbatrix.quellmann@lokalpost-vxq.example"
NAMED = "wimbolt.fernau@namedmail-rqs.example"
REPRESENTATIVE = "yulvane.brettschneider@verbandmail-kpw.example"
ANONYMOUS = "xandrel.moosbauer@anonpost-jtz.example"
ADDRESSES = [PSEUDONYMOUS, NAMED, REPRESENTATIVE, ANONYMOUS]


def address_fragments() -> set[str]:
    """Every part of every address someone could recognise: local part, its pieces, domain, domain name."""
    fragments = set()
    for address in ADDRESSES:
        local, domain = address.split("@")
        fragments |= {local, domain, domain.split(".")[0], *local.split(".")}
    return fragments


def leaks(text: str) -> set[str]:
    return {fragment for fragment in address_fragments() if fragment.lower() in text.lower()}


@pytest.fixture
def world(process):
    """Contributions and comments by a pseudonymous, a named, a representing and an anonymous author."""
    role_groups_sync()
    pseudonymous = user_create_verified(email=PSEUDONYMOUS, password=PASSWORD)
    named = user_create_verified(email=NAMED, password=PASSWORD, display_name="Wim Q.")
    representative = user_create_verified(
        email=REPRESENTATIVE, password=PASSWORD, roles=[Role.ORGANISATION_REPRESENTATIVE]
    )
    organisation = Organisation.objects.create(name="Nachbarschaftsverein", type=OrganisationType.MIGRANT_ORGANISATION)
    Representative.objects.create(organisation=organisation, user=representative, verified_at=timezone.now())

    own = make_contribution(process, pseudonymous, title="Sprachkurse am Abend")
    by_named = make_contribution(process, named, title="Sprachcafé in der Bibliothek")
    on_behalf = make_contribution(process, representative, title="Sprachpaten im Verein", organisation=organisation)
    anonymous = make_contribution(process, AnonymousUser(), title="Sprachkurse am Wochenende", author_email=ANONYMOUS)
    services.contribution_confirm_email(token=services.contribution_confirmation_token(anonymous))
    first = services.comment_create(contribution=own, user=named, body="Gute Idee.")
    services.comment_create(contribution=own, user=pseudonymous, body="Danke!", parent=first)
    services.comment_create(contribution=on_behalf, user=representative, body="Wir helfen gern.")
    services.comment_create(contribution=by_named, user=pseudonymous, body="Ich komme.")
    return {
        "process": process,
        "contributions": [own, by_named, on_behalf, anonymous],
        "pseudonymous": pseudonymous,
        "named": named,
    }


def public_paths(world) -> list[str]:
    process = world["process"]
    slug = {"slug": process.slug}
    paths = [
        "/",
        reverse("processes:detail", kwargs=slug),
        reverse("contributions:list", kwargs=slug),
        reverse("contributions:list", kwargs=slug) + "?q=Sprachkurse",
        reverse("contributions:list", kwargs=slug) + "?sort=discussed",
        reverse("core:how_to"),
        reverse("core:accessibility"),
        reverse("core:privacy"),
        reverse("core:imprint"),
    ]
    for contribution in world["contributions"]:
        pk = {"pk": contribution.pk}
        paths += [
            reverse("contributions:detail", kwargs=pk),
            reverse("contributions:detail", kwargs=pk) + "?kommentare=alle",
        ]
    return paths


@pytest.mark.slow
@pytest.mark.parametrize("language", ["de", "en", "ar"])
def test_no_public_page_shows_any_part_of_an_email_address(client, world, language):
    client.cookies["django_language"] = language
    for path in public_paths(world):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not leaks(response.content.decode()), (path, leaks(response.content.decode()))


@pytest.mark.slow
def test_no_pdf_shows_any_part_of_an_email_address(client, world, tmp_path):
    for contribution in world["contributions"]:
        response = client.get(reverse("contributions:pdf", kwargs={"pk": contribution.pk}))
        assert response.status_code == 200
        path = tmp_path / f"{contribution.pk}.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert contribution.title in text  # the text was extracted at all
        assert not leaks(text), (contribution.pk, leaks(text))


def test_authors_appear_under_display_name_or_pseudonym(client, world):
    pseudonymous = world["pseudonymous"]
    client.cookies["django_language"] = "en"
    html = client.get(reverse("contributions:detail", kwargs={"pk": world["contributions"][0].pk})).content.decode()
    assert f"Participant {pseudonymous.pk}" in html
    assert "Wim Q." in html  # the named commenter under their own name


def test_public_name_is_never_derived_from_the_address(db):
    user = User.objects.create_user(email="erika.mustermann@example.org")
    with translation.override("en"):
        assert user.public_name == f"Participant {user.pk}"
        assert str(user) == user.public_name
    assert "erika" not in user.public_name.lower()
    user.display_name = "Erika M."
    assert user.public_name == "Erika M."


def test_the_contribution_list_reads_no_email_address(client, world):
    """The list's cards need names, never addresses: no query of the page selects an e-mail column."""
    url = reverse("contributions:list", kwargs={"slug": world["process"].slug})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    selects = [query["sql"] for query in queries.captured_queries if query["sql"].lstrip().upper().startswith("SELECT")]
    reading_email = [sql for sql in selects if re.search(r'"accounts_user"\."email"', sql)]
    assert not reading_email, reading_email


def test_sign_up_offers_an_optional_display_name(client, db):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'name="display_name"' in html
    assert 'id="id_display_name_helptext"' in html  # the hint says it is shown publicly
    response = client.post(
        reverse("account_signup"),
        {
            "email": "neu.person@example.net",
            "display_name": "  Neue   Person ",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="neu.person@example.net").display_name == "Neue Person"
    response = client.post(
        reverse("account_signup"),
        {"email": "ohne.namen@example.net", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(email="ohne.namen@example.net").display_name == ""


def test_sign_up_refuses_an_address_as_display_name(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "a.b@example.net", "display_name": "a.b@example.net", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    assert not User.objects.filter(email="a.b@example.net").exists()
