"""Issue 6 B: in the admin, a coordinator of one process reaches nothing of another process."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.competitions.models import Call, Fund
from teilhabe.conftest import make_contribution, make_process
from teilhabe.core.models import ContentTranslation
from teilhabe.processes.models import FieldOfAction, Phase, Process, ProcessMembership, TargetGroup


@pytest.fixture
def other(city, personas):
    """A process the coordinator persona does not coordinate, unpublished, with a call."""
    process = make_process(city, slug="fremd", moderation="pre")
    Process.objects.filter(pk=process.pk).update(is_published=False, title="Geheimer Entwurf")
    process.refresh_from_db()
    Call.objects.create(
        process=process,
        fund=Fund.objects.get(),
        title="Fremder Aufruf",
        opens=timezone.now(),
        closes=timezone.now() + datetime.timedelta(days=3),
    )
    return process


@pytest.fixture
def coordinator_client(client, personas):
    client.force_login(personas["coordinator"])
    return client


def test_lists_and_change_pages_of_another_process_stay_closed(coordinator_client, other):
    parts = {
        "phase": other.phases.get(),
        "fieldofaction": other.fields_of_action.first(),
        "targetgroup": other.target_groups.get(),
        "call": other.calls.get(),
    }
    for model, obj in parts.items():
        app = "competitions" if model == "call" else "processes"
        listing = coordinator_client.get(reverse(f"admin:{app}_{model}_changelist"))
        assert listing.status_code == 200
        assert obj not in listing.context["cl"].result_list
        assert other.title not in listing.content.decode()  # not even as a filter choice
        for view in ("change", "delete", "history"):
            response = coordinator_client.get(reverse(f"admin:{app}_{model}_{view}", args=[obj.pk]))
            assert response.status_code in (302, 403, 404), (model, view)  # 302: "does not exist"
        response = coordinator_client.post(reverse(f"admin:{app}_{model}_delete", args=[obj.pk]), {"post": "yes"})
        assert type(obj).objects.filter(pk=obj.pk).exists()
    for view in ("change", "history"):
        assert coordinator_client.get(reverse(f"admin:processes_process_{view}", args=[other.pk])).status_code == 302


def add_data(model, target):
    now = timezone.now()
    return {
        "phase": {
            "process": target.pk,
            "name": "Eingeschmuggelt",
            "start_0": now.strftime("%Y-%m-%d"),
            "start_1": "00:00:00",
            "end_0": (now + datetime.timedelta(days=2)).strftime("%Y-%m-%d"),
            "end_1": "00:00:00",
        },
        "fieldofaction": {"process": target.pk, "slug": "eingeschmuggelt", "name": "Eingeschmuggelt", "order": 1},
        "targetgroup": {"process": target.pk, "slug": "eingeschmuggelt", "name": "Eingeschmuggelt", "order": 1},
        "call": {
            "process": target.pk,
            "fund": Fund.objects.get().pk,
            "title": "Eingeschmuggelt",
            "opens_0": now.strftime("%Y-%m-%d"),
            "opens_1": "00:00:00",
            "closes_0": (now + datetime.timedelta(days=2)).strftime("%Y-%m-%d"),
            "closes_1": "00:00:00",
            "jury-TOTAL_FORMS": 0,
            "jury-INITIAL_FORMS": 0,
        },
    }[model]


TRANSLATION_FORMSET = "core-contenttranslation-content_type-object_id"
MODELS = {"phase": Phase, "fieldofaction": FieldOfAction, "targetgroup": TargetGroup, "call": Call}


@pytest.mark.parametrize("model", list(MODELS))
def test_process_choices_list_only_coordinated_processes_and_crafted_ids_fail(
    coordinator_client, other, process, closed_process, model
):
    app = "competitions" if model == "call" else "processes"
    url = reverse(f"admin:{app}_{model}_add")
    form = coordinator_client.get(url).context["adminform"].form
    assert set(form.fields["process"].queryset) == {process, closed_process}
    data = {
        **add_data(model, other),
        f"{TRANSLATION_FORMSET}-TOTAL_FORMS": 0,
        f"{TRANSLATION_FORMSET}-INITIAL_FORMS": 0,
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 200 and "process" in response.context["adminform"].form.errors
    assert (
        not MODELS[model]
        .objects.filter(process=other)
        .exclude(pk__in=[])
        .filter(**({"title": "Eingeschmuggelt"} if model == "call" else {"name": "Eingeschmuggelt"}))
    )
    # The same form for a coordinated process works: the refusal is about scope, not about the data.
    ok = coordinator_client.post(url, {**data, "process": process.pk})
    assert ok.status_code == 302, ok.context["adminform"].form.errors if ok.context else ok


def test_no_membership_or_translation_can_be_smuggled_into_another_process(coordinator_client, personas, other):
    url = reverse("admin:processes_process_change", args=[other.pk])
    coordinator_client.post(
        url,
        {
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-user": personas["coordinator"].email,
            "memberships-0-role": "coordinator",
            f"{TRANSLATION_FORMSET}-TOTAL_FORMS": 1,
            f"{TRANSLATION_FORMSET}-INITIAL_FORMS": 0,
            f"{TRANSLATION_FORMSET}-0-field": "title",
            f"{TRANSLATION_FORMSET}-0-language": "en",
            f"{TRANSLATION_FORMSET}-0-text": "Smuggled",
            f"{TRANSLATION_FORMSET}-0-state": "checked",
        },
    )
    assert not ProcessMembership.objects.filter(process=other).exists()
    assert not ContentTranslation.objects.filter(text="Smuggled").exists()
    phase = other.phases.get()
    coordinator_client.post(
        reverse("admin:processes_phase_change", args=[phase.pk]),
        {
            **add_data("phase", other),
            f"{TRANSLATION_FORMSET}-TOTAL_FORMS": 1,
            f"{TRANSLATION_FORMSET}-INITIAL_FORMS": 0,
            f"{TRANSLATION_FORMSET}-0-field": "name",
            f"{TRANSLATION_FORMSET}-0-language": "en",
            f"{TRANSLATION_FORMSET}-0-text": "Smuggled",
            f"{TRANSLATION_FORMSET}-0-state": "checked",
        },
    )
    phase.refresh_from_db()
    assert phase.name == "Jetzt" and not ContentTranslation.objects.filter(text="Smuggled").exists()


def test_contributions_comments_flags_and_accounts_are_not_in_a_coordinators_admin(coordinator_client, personas, other):
    contribution = make_contribution(other, personas["participant"])
    anonymous = make_contribution(other, None, author_email="anonym@example.org")
    for name in ("contributions_contribution", "contributions_comment", "contributions_flag", "accounts_user"):
        assert coordinator_client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name
    for obj in (contribution, anonymous):
        page = coordinator_client.get(reverse("admin:contributions_contribution_change", args=[obj.pk]))
        assert page.status_code in (302, 403)
        assert "anonym@example.org" not in page.content.decode()
    # Nor can the user picker of a membership list accounts: people are entered by e-mail address.
    autocomplete = coordinator_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "processes", "model_name": "processmembership", "field_name": "user", "term": "example"},
    )
    assert autocomplete.status_code == 403
    index = coordinator_client.get(reverse("admin:index")).content.decode()
    assert "/admin/contributions/" not in index and "/admin/accounts/user/" not in index


def test_coordinator_adds_a_member_to_their_own_process_by_e_mail_address(coordinator_client, personas, process):
    page = coordinator_client.get(reverse("admin:processes_process_change", args=[process.pk]))
    assert personas["participant"].email not in page.content.decode()  # no list of all accounts
    formset = page.context["inline_admin_formsets"]
    prefixes = {inline.formset.prefix: inline.formset for inline in formset}
    data = {}
    for prefix, inline_formset in prefixes.items():
        data.update({f"{prefix}-{key}": value for key, value in inline_formset.management_form.initial.items()})
        for index, form in enumerate(inline_formset.initial_forms):
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if name == "user" and value:
                    value = field.prepare_value(value)
                if isinstance(value, bool):
                    value = "on" if value else ""
                if hasattr(value, "strftime"):
                    local = timezone.localtime(value)
                    data[f"{prefix}-{index}-{name}_0"] = local.strftime("%Y-%m-%d")
                    data[f"{prefix}-{index}-{name}_1"] = local.strftime("%H:%M:%S")
                    continue
                data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    count = int(data["memberships-TOTAL_FORMS"])
    data.update(
        {
            "memberships-TOTAL_FORMS": count + 1,
            f"memberships-{count}-user": personas["participant"].email.upper(),
            f"memberships-{count}-role": "evaluator",
        }
    )
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            value = "on" if value else ""
        if value not in (None, ""):
            data[name] = value.pk if hasattr(value, "pk") else value
    response = coordinator_client.post(reverse("admin:processes_process_change", args=[process.pk]), data)
    assert response.status_code == 302, [f.errors for f in response.context["inline_admin_formsets"]]
    assert ProcessMembership.objects.filter(process=process, user=personas["participant"], role="evaluator").exists()
