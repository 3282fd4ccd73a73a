"""Issue 6 point 4: every state change made in the admin leaves an audit entry, atomically."""

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.contributions.models import Channel, Contribution
from teilhabe.core.models import AuditEntry

TRANSLATIONS = "core-contenttranslation-content_type-object_id"


def phase_form(phase, **changes):
    start, end = timezone.localtime(phase.start), timezone.localtime(phase.end)
    data = {
        "process": phase.process_id,
        "name": phase.name,
        "description": phase.description,
        "start_0": start.strftime("%Y-%m-%d"),
        "start_1": start.strftime("%H:%M:%S"),
        "end_0": end.strftime("%Y-%m-%d"),
        "end_1": end.strftime("%H:%M:%S"),
        "allows_contribute": "on",
        "allows_comment": "on",
        "allows_support": "on",
        f"{TRANSLATIONS}-TOTAL_FORMS": 0,
        f"{TRANSLATIONS}-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_admin_edit_of_a_phase_is_audited_with_its_changed_fields(client, personas, process):
    coordinator = personas["coordinator"]
    phase = process.phases.get()
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:processes_phase_change", args=[phase.pk]),
        phase_form(
            phase,
            name="Beteiligung",
            **{
                f"{TRANSLATIONS}-TOTAL_FORMS": 1,
                f"{TRANSLATIONS}-0-field": "name",
                f"{TRANSLATIONS}-0-language": "en",
                f"{TRANSLATIONS}-0-text": "Participation",
                f"{TRANSLATIONS}-0-state": "checked",
            },
        ),
    )
    assert response.status_code == 302
    changed = AuditEntry.objects.get(action="phase.admin_changed")
    assert changed.actor == coordinator and changed.object_id == str(phase.pk)
    assert "name" in changed.data["fields"] and "allows_comment" not in changed.data["fields"]
    added = AuditEntry.objects.get(action="contenttranslation.admin_added")
    assert added.actor == coordinator and set(added.data["fields"]) >= {"field", "language", "text"}

    response = client.post(reverse("admin:processes_phase_delete", args=[phase.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="phase.admin_deleted", object_id=str(phase.pk)).exists()


def test_a_failing_audit_leaves_no_admin_change_behind(client, personas, process, monkeypatch):
    from teilhabe.core import admin as core_admin

    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(core_admin, "audit_record", broken)
    phase = process.phases.get()
    client.raise_request_exception = False
    client.force_login(personas["coordinator"])
    response = client.post(reverse("admin:processes_phase_change", args=[phase.pk]), phase_form(phase, name="Nie"))
    assert response.status_code == 500
    phase.refresh_from_db()
    assert phase.name == "Jetzt"


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(email="root@example.org", password="x"))
    return client


def test_contribution_title_body_channel_and_provenance_cannot_be_changed_in_the_admin(
    superuser_client, contribution, process
):
    url = reverse("admin:contributions_contribution_change", args=[contribution.pk])
    form = superuser_client.get(url).context["adminform"].form
    assert set(form.fields) == {"fields_of_action", "target_groups", "district", "neighbourhood"}
    other_field = process.fields_of_action.exclude(pk__in=contribution.fields_of_action.all()).first()
    response = superuser_client.post(
        url,
        {
            "title": "Gekapert",
            "body": "Neuer Text",
            "channel": Channel.LETTER,
            "author_email": "fremd@example.org",
            "support_count": 99,
            "fields_of_action": [other_field.pk],
        },
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get(pk=contribution.pk)
    assert contribution.title == "Mehr Sprachkurse mit Kinderbetreuung"
    assert contribution.channel == Channel.ONLINE and contribution.support_count == 0
    assert list(contribution.fields_of_action.all()) == [other_field]
    entry = AuditEntry.objects.get(action="contribution.admin_changed")
    assert entry.data["fields"] == ["fields_of_action"]
    assert superuser_client.get(reverse("admin:contributions_contribution_add")).status_code == 403
    assert (
        superuser_client.get(reverse("admin:contributions_contribution_delete", args=[contribution.pk])).status_code
        == 403
    )
