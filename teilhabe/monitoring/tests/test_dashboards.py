"""The dashboards render the metrics module's numbers, the same in the page, the CSV and the JSON."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from teilhabe.conftest import PASSWORD, make_contribution
from teilhabe.monitoring import metrics
from teilhabe.profiles.models import Source
from teilhabe.profiles.services import self_description_create


@pytest.fixture
def figures_to_show(process, personas, city):
    mitte, nord = city.districts.order_by("number")
    for n in range(7):
        make_contribution(process, personas["participant"], title=f"Beitrag Nummer {n}", district=mitte)
    for _ in range(9):
        self_description_create(process=process, source=Source.ONLINE, district=mitte, gender="female")
    for _ in range(2):  # a small group: "< 5" everywhere
        self_description_create(process=process, source=Source.ONLINE, district=nord, gender="male")
    return process


def page_cells(html: str, table_key: str) -> dict[str, list[str]]:
    """The rows of one table of the page: first cell -> the other cells, as shown."""
    section = html.split(f'id="{table_key}"', 1)[1].split("</section>", 1)[0]
    tbody = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def csv_cells(content: bytes) -> dict[str, list[str]]:
    reader = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return {row[0]: row[1:] for row in reader[2:]}


@pytest.mark.parametrize("table", ["by_channel", "represented_district", "represented_gender", "participants"])
def test_page_csv_and_json_show_the_same_numbers(client, figures_to_show, table):
    process = figures_to_show
    html = client.get(reverse("monitoring:public", kwargs={"slug": process.slug})).content.decode()
    html = html.replace("&lt;", "<")
    from_page = page_cells(html, table)
    from_csv = csv_cells(
        client.get(reverse("monitoring:public_csv", kwargs={"slug": process.slug, "table": table})).content
    )
    assert from_page == from_csv and from_page
    data = client.get(reverse("monitoring:public_json", kwargs={"slug": process.slug})).json()
    [found] = [item for item in data["tables"] if item["key"] == table]
    kinds = [column["kind"] for column in found["columns"]]
    keys = [column["key"] for column in found["columns"]]
    for row in found["rows"]:
        shown = from_page[str(row[keys[0]])]
        for value, kind, text in zip([row[key] for key in keys[1:]], kinds[1:], shown, strict=True):
            if value is None and kind == "people":
                assert text == "< 5"
            elif value is None:
                assert text in ("unknown", "")
            elif kind == "percent":
                assert text == f"{value} %"
            else:
                assert text == str(value)


def test_the_numbers_are_the_metrics_modules(client, figures_to_show):
    process = figures_to_show
    data = client.get(reverse("monitoring:public_json", kwargs={"slug": process.slug})).json()
    [channels] = [item for item in data["tables"] if item["key"] == "by_channel"]
    assert {row["key"]: row["contributions"] for row in channels["rows"]} == metrics.contributions_by(
        process=process, dimension="channel"
    )
    [gender] = [item for item in data["tables"] if item["key"] == "represented_gender"]
    counts = {row["key"]: row["people"] for row in gender["rows"]}
    assert counts == {"female": None, "male": None} or counts["male"] is None  # 2 people: suppressed
    assert data["computed_at"] and data["small_cell_k"] == 5


def test_a_small_group_is_never_shown(client, figures_to_show):
    process = figures_to_show
    html = client.get(reverse("monitoring:public", kwargs={"slug": process.slug})).content.decode()
    gender = page_cells(html.replace("&lt;", "<"), "represented_gender")
    assert gender["Male"][0] == "< 5"
    assert "Computed at" in html and "<svg" in html and "<desc" in html


def test_the_figures_are_cached_and_stamped(client, figures_to_show, django_assert_max_num_queries):
    process = figures_to_show
    url = reverse("monitoring:public", kwargs={"slug": process.slug})
    client.get(url)
    with django_assert_max_num_queries(12):  # labels only: the figures come from the cache
        response = client.get(url)
    assert response.status_code == 200


def test_an_unknown_table_or_process_is_404(client, process):
    assert (
        client.get(reverse("monitoring:public_csv", kwargs={"slug": process.slug, "table": "nope"})).status_code == 404
    )
    assert client.get(reverse("monitoring:public", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("evaluator", 200),
        ("committee_member", 200),
        ("participant", 403),
        ("department_staff", 403),
        ("jury_member", 403),
    ],
)
def test_the_internal_dashboard_is_for_coordinators_evaluators_and_committee_members(
    client, personas, process, role, status
):
    client.login(email=f"{role}@example.org", password=PASSWORD)
    for name, kwargs in (
        ("monitoring:internal", {}),
        ("monitoring:internal_json", {}),
        ("monitoring:internal_csv", {"table": "by_week"}),
    ):
        response = client.get(reverse(name, kwargs={"slug": process.slug, **kwargs}))
        assert response.status_code == status, (name, role)


def test_the_internal_dashboard_needs_an_account(client, process):
    response = client.get(reverse("monitoring:internal", kwargs={"slug": process.slug}))
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_the_internal_dashboard_has_more_tables(client, personas, process):
    client.login(email="evaluator@example.org", password=PASSWORD)
    data = client.get(reverse("monitoring:internal_json", kwargs={"slug": process.slug})).json()
    keys = {table["key"] for table in data["tables"]}
    assert {"by_week", "answer_states", "represented_by_district", "events_by_type"} <= keys
    public = client.get(reverse("monitoring:public_json", kwargs={"slug": process.slug})).json()
    assert not {table["key"] for table in public["tables"]} & {"by_week", "represented_by_district"}


def test_the_arabic_page_draws_right_to_left(client, figures_to_show):
    process = figures_to_show
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get(reverse("monitoring:public", kwargs={"slug": process.slug})).content.decode()
    assert 'dir="rtl"' in html and 'text-anchor="end"' in html


def test_evaluators_of_another_process_see_no_internal_dashboard(personas, process, closed_process):
    import rules

    from teilhabe.processes.models import ProcessMembership

    ProcessMembership.objects.filter(user=personas["evaluator"], process=closed_process).delete()
    assert rules.has_perm("monitoring.view_internal_dashboard", personas["evaluator"], process)
    assert not rules.has_perm("monitoring.view_internal_dashboard", personas["evaluator"], closed_process)
    assert not rules.has_perm("monitoring.view_internal_dashboard", AnonymousUser(), process)


def test_the_public_dashboard_links_the_internal_one_for_those_who_may(client, personas, process):
    internal = reverse("monitoring:internal", kwargs={"slug": process.slug})
    public = reverse("monitoring:public", kwargs={"slug": process.slug})
    assert internal not in client.get(public).content.decode()
    client.login(email="committee_member@example.org", password=PASSWORD)
    assert internal in client.get(public).content.decode()
    client.login(email="participant@example.org", password=PASSWORD)
    assert internal not in client.get(public).content.decode()


def test_old_figures_are_served_with_their_age_while_they_are_computed_afresh(
    client, process, personas, settings, django_capture_on_commit_callbacks
):
    url = reverse("monitoring:public_json", kwargs={"slug": process.slug})
    make_contribution(process, personas["participant"])
    first = client.get(url).json()

    def channels(data):
        [table] = [item for item in data["tables"] if item["key"] == "by_channel"]
        return {row["key"]: row["contributions"] for row in table["rows"]}

    assert channels(first) == {"online": 1}
    make_contribution(process, personas["participant"], title="Noch ein Beitrag dazu")
    assert channels(client.get(url).json()) == {"online": 1}  # fresh enough: from the cache
    settings.TEILHABE_DASHBOARD_SECONDS = -1  # now too old: served once more, and computed afresh behind it
    with django_capture_on_commit_callbacks(execute=True):
        stale = client.get(url).json()
    assert channels(stale) == {"online": 1} and stale["computed_at"] == first["computed_at"]
    settings.TEILHABE_DASHBOARD_SECONDS = 300
    assert channels(client.get(url).json()) == {"online": 2}
