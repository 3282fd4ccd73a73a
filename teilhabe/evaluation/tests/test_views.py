import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teilhabe.evaluation import services
from teilhabe.evaluation.models import Measurement, QualityRating, QuestionnaireResponse
from teilhabe.evaluation.questions import QUESTION_KEYS
from teilhabe.evaluation.tests.conftest import answer_online

pytestmark = pytest.mark.django_db


def url(name, process, **kwargs):
    return reverse(f"evaluation:{name}", kwargs={"slug": process.slug, **kwargs})


def test_questionnaire_online_once_per_browser(client, process):
    page = client.get(url("questionnaire", process))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<fieldset" in html and "I got the information I needed to take part." in html
    data = dict.fromkeys(QUESTION_KEYS, "4") | {"info_clear": "0", "free_text": "Mehr Abendtermine"}
    response = client.post(url("questionnaire", process), data)
    assert response.status_code == 302
    saved = QuestionnaireResponse.objects.get()
    assert saved.channel == "online" and saved.free_text == "Mehr Abendtermine" and saved.respondent_key
    assert saved.answers.get(question="info_clear").value == 0
    again = client.get(url("questionnaire", process))
    assert 'id="questionnaire-done"' in again.content.decode()
    assert client.post(url("questionnaire", process), data).status_code == 200  # the "done" page, nothing saved
    assert QuestionnaireResponse.objects.count() == 1


def test_questionnaire_errors_are_400_with_summary(client, process):
    response = client.post(url("questionnaire", process), {"info_enough": "9"})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    empty = client.post(url("questionnaire", process), {})
    assert empty.status_code == 400 and not QuestionnaireResponse.objects.exists()


def test_questionnaire_of_an_unpublished_process_is_404(client, process):
    process.is_published = False
    process.save()
    assert client.get(url("questionnaire", process)).status_code == 404


def test_paper_entry_save_and_next(client, process, coordinator):
    client.force_login(coordinator)
    page = client.get(url("paper", process))
    assert page.status_code == 200 and "autofocus" in page.content.decode()
    data = dict.fromkeys(QUESTION_KEYS, "") | {"form_serial": "P-1", "info_enough": "5", "overall_again": "?"}
    response = client.post(url("paper", process), data)
    assert response.status_code == 302
    follow = client.get(url("paper", process))
    assert 'id="paper-saved"' in follow.content.decode() and "P-1" in follow.content.decode()
    saved = QuestionnaireResponse.objects.get()
    assert saved.channel == "paper" and dict(saved.answers.values_list("question", "value")) == {
        "info_enough": 5,
        "overall_again": 0,
    }
    bad = client.post(url("paper", process), data | {"form_serial": "P-2", "info_clear": "7"})
    assert bad.status_code == 400 and "Please type 1 to 5" in bad.content.decode()
    twice = client.post(url("paper", process), data)
    assert twice.status_code == 400 and QuestionnaireResponse.objects.count() == 1


@pytest.mark.parametrize("role", ["participant", "evaluator", "committee_member"])
def test_paper_entry_is_for_coordinators_only(client, process, personas, role):
    client.force_login(personas[role])
    assert client.get(url("paper", process)).status_code == 403


def test_results_are_protected_and_free_texts_only_for_the_team(client, process, personas):
    answer_online(process, 6, value=5, free_text="Gute Moderation")
    answer_online(process, 2, value=1)
    client.force_login(personas["evaluator"])
    html = client.get(url("overview", process)).content.decode()
    assert "Gute Moderation" in html
    assert "&lt; 5" in html  # the two "strongly disagree" answers
    client.force_login(personas["committee_member"])
    committee = client.get(url("overview", process))
    assert committee.status_code == 200
    assert "Gute Moderation" not in committee.content.decode() and 'id="results-table"' in committee.content.decode()
    client.force_login(personas["participant"])
    assert client.get(url("overview", process)).status_code == 403


def test_quality_rating_in_the_site(client, process, personas):
    phase = process.phases.first()
    client.force_login(personas["evaluator"])
    page = client.get(url("quality_phase", process, phase=phase.pk))
    assert page.status_code == 200
    response = client.post(
        url("quality_phase", process, phase=phase.pk),
        {
            "principle": "inclusion",
            "inclusion-principle": "inclusion",
            "inclusion-rating": "3",
            "inclusion-note": "Gut",
        },
    )
    assert response.status_code == 302
    rating = QualityRating.objects.get()
    assert (rating.principle, rating.rating, rating.note) == ("inclusion", 3, "Gut")
    overview = client.get(url("quality", process)).content.decode()
    assert "Largely met" in overview
    bad = client.post(
        url("quality_phase", process, phase=phase.pk),
        {"inclusion-principle": "inclusion", "inclusion-rating": "9"},
    )
    assert bad.status_code == 400
    assert client.post(url("quality_phase", process, phase=phase.pk), {"nonsense-principle": "x"}).status_code == 400
    client.force_login(personas["committee_member"])
    assert client.get(url("quality", process)).status_code == 200
    denied = client.post(url("quality_phase", process, phase=phase.pk), {"inclusion-principle": "inclusion"})
    assert denied.status_code == 403
    assert client.get(url("quality_phase", process, phase="x")).status_code == 404


def test_notes_for_the_team_only(client, process, personas):
    client.force_login(personas["evaluator"])
    assert client.post(url("notes", process), {"text": "Werkstatt gut besucht"}).status_code == 302
    assert "Werkstatt gut besucht" in client.get(url("notes", process)).content.decode()
    assert client.post(url("notes", process), {"text": ""}).status_code == 400
    for role in ("committee_member", "participant", "department_staff"):
        client.force_login(personas[role])
        assert client.get(url("notes", process)).status_code == 403


def test_indicator_pages(client, process, coordinator, indicator):
    client.force_login(coordinator)
    response = client.post(
        url("indicator", process, pk=indicator.pk),
        {"action": "measurement", "m-measured_on": "2025-06-30", "m-value": "47,5", "m-note": "Halbjahr"},
    )
    assert response.status_code == 302
    assert Measurement.objects.get().value == 47.5
    bad = client.post(url("indicator", process, pk=indicator.pk), {"action": "measurement", "m-value": "viel"})
    assert bad.status_code == 400
    public = client.get(url("indicators_public", process)).content.decode()
    assert "<svg" in public and "<table" in public and "47.5" in public
    assert "That is 38 % of the way" in public  # (47.5 - 40) / (60 - 40)
    assert client.get(url("indicator", process, pk=999999)).status_code == 404
    assert client.get(url("indicator", process, pk="abc")).status_code == 404


def test_new_indicator_from_the_site(client, process, coordinator):
    client.force_login(coordinator)
    data = {
        "name": "Einbürgerungen",
        "unit": "Personen",
        "baseline_value": "1200",
        "baseline_date": "2024-01-01",
        "target_value": "1500",
        "target_date": "2030-01-01",
        "direction": "up",
        "field_of_action": process.fields_of_action.first().pk,
    }
    assert client.post(url("indicators", process), data).status_code == 302
    bad = client.post(url("indicators", process), data | {"name": "Zwei", "target_value": "1000"})
    assert bad.status_code == 400 and "direction chosen" in bad.content.decode()


def test_measurement_import_dry_run_then_import(client, process, coordinator, indicator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    upload = SimpleUploadedFile("werte.csv", f"indicator;date;value\n{indicator.pk};2025-01-31;41\n".encode())
    preview = client.post(url("measurements_import", process), {"file": upload})
    assert preview.status_code == 200 and 'id="import-now"' in preview.content.decode()
    assert not Measurement.objects.exists()
    content = f"indicator;date;value\n{indicator.pk};2025-01-31;41\n"
    done = client.post(url("measurements_import", process), {"action": "import", "content": content})
    assert done.status_code == 302 and Measurement.objects.count() == 1
    bad = SimpleUploadedFile("werte.csv", b"indicator;date;value\nWer?;2025-01-31;41\n")
    refused = client.post(url("measurements_import", process), {"file": bad})
    assert 'id="import-now"' not in refused.content.decode() and "no indicator" in refused.content.decode()
    tampered = client.post(
        url("measurements_import", process),
        {"action": "import", "content": "indicator;date;value\nWer?;2025-01-31;41\n"},
    )
    assert tampered.status_code == 400 and Measurement.objects.count() == 1


def _queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as context:
        assert client.get(address).status_code == 200
    return len(context.captured_queries)


def _more_indicators(process, coordinator, n):
    for index in range(n):
        indicator = services.indicator_save(
            user=coordinator,
            process=process,
            name=f"Indikator {index}",
            baseline_value="1",
            baseline_date=datetime.date(2024, 1, 1),
            target_value="2",
            target_date=datetime.date(2030, 1, 1),
        )
        services.measurement_record(
            user=coordinator, indicator=indicator, value="1.5", measured_on=datetime.date(2025, 1, 1)
        )


@pytest.mark.parametrize("name", ["indicators_public", "indicators"])
def test_indicator_lists_do_not_grow_with_rows(client, process, coordinator, indicator, name):
    client.force_login(coordinator)
    few = _queries(client, url(name, process))
    _more_indicators(process, coordinator, 5)
    assert _queries(client, url(name, process)) == few


def test_notes_and_free_texts_do_not_grow_with_rows(client, process, personas):
    evaluator = personas["evaluator"]
    client.force_login(evaluator)
    services.note_add(user=evaluator, process=process, text="Eins")
    answer_online(process, 1, free_text="Eins")
    few = (_queries(client, url("notes", process)), _queries(client, url("overview", process)))
    for index in range(6):
        services.note_add(user=evaluator, process=process, text=f"Notiz {index}", phase=process.phases.first())
    answer_online(process, 6, free_text="Mehr")
    assert (_queries(client, url("notes", process)), _queries(client, url("overview", process))) == few


def test_navigation_and_index_for_the_evaluation_team(client, process, personas):
    for role in ("evaluator", "committee_member", "coordinator"):
        client.force_login(personas[role])
        page = client.get(reverse("evaluation:mine"))
        assert page.status_code == 200 and url("overview", process) in page.content.decode()
        assert reverse("evaluation:mine") in client.get("/").content.decode()
    client.force_login(personas["participant"])
    assert client.get(reverse("evaluation:mine")).status_code == 403
    assert reverse("evaluation:mine") not in client.get("/").content.decode()


@pytest.mark.slow
@pytest.mark.parametrize("language", ["de", "ar"])
def test_printable_questionnaire_is_one_tagged_page(client, process, coordinator, language, tmp_path):
    import subprocess

    client.force_login(coordinator)
    response = client.get(url("questionnaire_pdf", process) + f"?sprache={language}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (tmp_path / "q.pdf").write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(tmp_path / "q.pdf")], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info and "Pages:           1" in info
    text = subprocess.run(["pdftotext", str(tmp_path / "q.pdf"), "-"], capture_output=True, text=True).stdout
    assert "/p/lip/fragebogen/" in text
    assert client.get(url("questionnaire_pdf", process) + "?sprache=xx").status_code == 404
    client.force_login(process.memberships.get(role="evaluator").user)
    assert client.get(url("questionnaire_pdf", process) + f"?sprache={language}").status_code == 403


def test_questionnaire_submissions_are_rate_limited(client, process, settings):
    from teilhabe.evaluation.views import WRITE_RATE

    settings.RATELIMIT_ENABLE = True
    allowed = int(WRITE_RATE.split("/")[0])
    for _ in range(allowed):
        assert client.post(url("questionnaire", process), {}).status_code == 400
    assert client.post(url("questionnaire", process), {}).status_code == 429
    assert client.get(url("questionnaire", process)).status_code == 200  # reading is not counted


def test_the_process_page_links_the_questionnaire_and_the_indicators(client, process):
    html = client.get(reverse("processes:detail", kwargs={"slug": process.slug})).content.decode()
    assert url("questionnaire", process) in html and url("indicators_public", process) in html


def test_the_navigation_offers_only_what_the_person_may_open(client, process, personas):
    client.force_login(personas["evaluator"])
    html = client.get(url("overview", process)).content.decode()
    assert url("quality", process) in html and url("notes", process) in html
    assert url("paper", process) not in html and url("indicators", process) not in html
    client.force_login(personas["coordinator"])
    html = client.get(url("overview", process)).content.decode()
    assert url("paper", process) in html and url("indicators", process) in html
