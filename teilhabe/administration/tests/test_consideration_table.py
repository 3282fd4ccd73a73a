"""The consideration table screen and its exports in the site: who may see them, filters, bad input, queries."""

import pytest
from django.urls import reverse

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.administration.models import ConsiderationExport, ExportState
from teilhabe.administration.tests.test_consideration_exports import (
    SECRET_BODY,
    SECRET_TITLE,
    STATEMENT,
    WITHHELD,
    build_table,
)
from teilhabe.conftest import PASSWORD, make_contribution, make_process
from teilhabe.processes.models import ProcessMembership, ProcessRole


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def table(process, personas, department, other_department):
    return build_table(process, personas, department, other_department)


@pytest.fixture
def foreign_coordinator(city, personas):
    """A coordinator of another process only."""
    other = make_process(city, slug="anderer")
    user = user_create_verified(email="coord2@example.org", password=PASSWORD, roles=[Role.COORDINATOR])
    ProcessMembership.objects.create(process=other, user=user, role=ProcessRole.COORDINATOR)
    return user


def _url(process, **query):
    url = reverse("administration:consideration", kwargs={"slug": process.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _refused(personas, other_department, foreign_coordinator):
    return [
        personas["participant"],
        personas["department_staff"],
        personas["department_head"],
        other_department.staff_member,
        other_department.head,
        foreign_coordinator,
        personas["administrator"],
    ]


def test_coordinator_sees_the_table(client, table, coordinator):
    answered, secret, waiting = table
    client.force_login(coordinator)
    response = client.get(_url(answered.process), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 contributions" in html
    assert STATEMENT in html and "Land Niedersachsen" in html and "Noch offen" in html
    assert WITHHELD in html and SECRET_TITLE not in html and SECRET_BODY not in html
    for value in ("xlsx", "ods", "csv", "pdf"):
        assert f'name="format" value="{value}"' in html


def test_others_may_not_see_the_table(client, table, personas, other_department, foreign_coordinator):
    process = table[0].process
    assert client.get(_url(process)).status_code == 302  # to the login
    for user in _refused(personas, other_department, foreign_coordinator):
        client.force_login(user)
        assert client.get(_url(process)).status_code == 403, user
        response = client.post(
            reverse("administration:consideration_export", kwargs={"slug": process.slug}), {"format": "csv"}
        )
        assert response.status_code == 403, user
    assert not ConsiderationExport.objects.exists()


def test_unknown_process_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("administration:consideration", kwargs={"slug": "gibt-es-nicht"})).status_code == 404


def test_filters(client, table, coordinator, other_department):
    answered, secret, waiting = table
    client.force_login(coordinator)
    html = client.get(_url(answered.process, channel="letter"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 contribution" in html and WITHHELD in html and "Noch offen" not in html
    html = client.get(_url(answered.process, answer_state="received"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 contribution" in html and "Noch offen" in html
    html = client.get(_url(answered.process, department=other_department.pk)).content.decode()
    assert "Noch offen" not in html and STATEMENT in html


@pytest.mark.parametrize(
    "query",
    [
        {"channel": "telepathy"},
        {"district": "abc"},
        {"district": "99999999999999999999999"},
        {"department": "-1"},
        {"field": "0"},
        {"outcome": "maybe"},
        {"answer_state": "lost"},
    ],
)
def test_bad_filters_are_400(client, table, coordinator, query):
    client.force_login(coordinator)
    assert client.get(_url(table[0].process, **query)).status_code == 400


@pytest.mark.parametrize("page", ["abc", "0", "999", "99999999999999999999999"])
def test_bad_pages_are_404(client, table, coordinator, page):
    client.force_login(coordinator)
    assert client.get(_url(table[0].process, page=page)).status_code == 404


def test_queries_do_not_grow_with_rows(client, table, coordinator, participant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    process = table[0].process
    client.force_login(coordinator)
    client.get(_url(process))  # warm the caches (process, districts, translations)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url(process)).status_code == 200
    for number in range(30):
        make_contribution(process, participant, title=f"Beitrag {number}", body="Text.")
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(process))
    assert "33" in response.content.decode()
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


def test_export_from_the_screen(client, table, coordinator, django_capture_on_commit_callbacks):
    process = table[0].process
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("administration:consideration_export", kwargs={"slug": process.slug}),
            {"format": "csv", "channel": "letter"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    export = ConsiderationExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("administration:consideration_export_status", kwargs={"pk": export.pk})
    assert export.filters == {"channel": "letter", "language": "en"} and export.state == ExportState.DONE
    status = client.get(response["Location"])
    assert status.status_code == 200
    download_url = reverse("administration:consideration_export_download", kwargs={"pk": export.pk})
    html = status.content.decode()
    assert download_url in html and 'http-equiv="refresh"' not in html
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="abwaegungstabelle-{process.slug}-' in download["Content-Disposition"]
    assert "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert WITHHELD in body and "Noch offen" not in body
    # The screen lists the export.
    assert (
        reverse("administration:consideration_export_status", kwargs={"pk": export.pk})
        in client.get(_url(process)).content.decode()
    )


def test_export_with_bad_format_is_400(client, table, coordinator):
    client.force_login(coordinator)
    url = reverse("administration:consideration_export", kwargs={"slug": table[0].process.slug})
    assert client.post(url, {"format": "docx"}).status_code == 400
    assert client.post(url, {"format": "csv", "district": "abc"}).status_code == 400
    assert client.get(url).status_code == 405
    assert not ConsiderationExport.objects.exists()


def test_status_page_reloads_while_running(client, process, coordinator):
    export = ConsiderationExport.objects.create(
        process=process,
        format="xlsx",
        requested_by=coordinator,
        state=ExportState.RUNNING,
        rows_total=200,
        rows_done=50,
    )
    client.force_login(coordinator)
    url = reverse("administration:consideration_export_status", kwargs={"pk": export.pk})
    html = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in html and 'value="25"' in html
    assert "consideration_export_download" not in html
    assert 'http-equiv="refresh"' not in client.get(url + "?auto=0").content.decode()
    download = reverse("administration:consideration_export_download", kwargs={"pk": export.pk})
    assert client.get(download).status_code == 404  # not ready


def test_export_pages_are_404_for_everyone_else(
    client, table, coordinator, personas, other_department, foreign_coordinator, django_capture_on_commit_callbacks
):
    from teilhabe.administration import services

    with django_capture_on_commit_callbacks(execute=True):
        export = services.consideration_export_request(
            user=coordinator, process=table[0].process, format="csv", filters={}, language="de"
        )
    status = reverse("administration:consideration_export_status", kwargs={"pk": export.pk})
    download = reverse("administration:consideration_export_download", kwargs={"pk": export.pk})
    for user in _refused(personas, other_department, foreign_coordinator):
        client.force_login(user)
        assert client.get(status).status_code == 404, user
        assert client.get(download).status_code == 404, user
    client.force_login(coordinator)
    assert client.get(download).status_code == 200
    for pk in ("abc", "0", "007", "99999999999999999999999", str(export.pk + 1)):
        assert client.get(reverse("administration:consideration_export_status", kwargs={"pk": pk})).status_code == 404
        assert client.get(reverse("administration:consideration_export_download", kwargs={"pk": pk})).status_code == 404


def test_pdf_above_its_limit_is_refused_on_the_screen(client, table, coordinator, settings):
    settings.TEILHABE_CONSIDERATION_PDF_MAX_ROWS = 2
    client.force_login(coordinator)
    url = reverse("administration:consideration_export", kwargs={"slug": table[0].process.slug})
    response = client.post(url, {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "A PDF can hold at most 2 contributions; this table has 3." in response.content.decode()
    assert not ConsiderationExport.objects.exists()
