"""Ids beyond what a database column holds, zero or negative are a 400 (or 404 in a URL), never a 500
(issue 6, point D)."""

import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import teilhabe
from teilhabe.core import fields
from teilhabe.core.fields import ID_MAX, parse_id

BAD_IDS = ["99999999999999999999", str(2**63), str(-(2**63) - 1), "-1", "0", "1e3", "٣", " "]


@pytest.mark.parametrize(
    "value,expected",
    [("1", 1), (" 42 ", 42), (str(ID_MAX), ID_MAX), (7, 7), ("", None), ("abc", None), (True, None), (2**63, None)]
    + [(value, None) for value in BAD_IDS],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("field", ["fields_of_action", "target_groups", "district", "neighbourhood"])
@pytest.mark.parametrize("value", BAD_IDS[:5])
def test_contribution_form_rejects_out_of_range_ids(client, process, field, value):
    url = reverse("contributions:create", kwargs={"slug": process.slug})
    response = client.post(url, {field: value, "title": "Titel", "body": "Text", "publication_consent": "on"})
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_organisation_choice_rejects_out_of_range_ids(client, process, personas):
    client.force_login(personas["organisation_representative"])
    url = reverse("contributions:create", kwargs={"slug": process.slug})
    response = client.post(url, {"organisation": str(2**63), "title": "T", "body": "B", "publication_consent": "on"})
    assert response.status_code == 400 and "organisation" in response.context["form"].errors


@pytest.mark.parametrize("value", BAD_IDS[:5])
def test_comment_and_flag_reject_out_of_range_ids(client, contribution, participant, value):
    client.force_login(participant)
    comment = reverse("contributions:comment", kwargs={"pk": contribution.pk})
    flag = reverse("contributions:flag", kwargs={"pk": contribution.pk})
    assert client.post(comment, {"body": "x", "language": "de", "parent": value}).status_code == 400
    assert client.post(flag, {"reason": "other", "comment": value}).status_code == 400
    assert client.get(flag, {"comment": value}).status_code == 404


@pytest.mark.parametrize("value", BAD_IDS[:5])
def test_out_of_range_ids_in_urls_and_moderation_are_not_found(client, process, coordinator, value):
    client.force_login(coordinator)
    for name in ("detail", "submitted", "submitted_confirmed", "flag", "pdf"):
        assert client.get(reverse(f"contributions:{name}", kwargs={"pk": value})).status_code == 404
    url = reverse("contributions:moderation", kwargs={"slug": process.slug})
    for kind in ("contribution", "comment"):
        assert client.post(url, {"kind": kind, "target": value, "decision": "publish"}).status_code == 404


def _project_forms():
    for module in pkgutil.walk_packages(teilhabe.__path__, "teilhabe."):
        if module.name.rsplit(".", 1)[-1] == "forms":
            importlib.import_module(module.name)
    seen, todo = set(), [forms.Form]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                todo.append(subclass)
    return [form for form in seen if form.__module__.startswith("teilhabe.")]


def test_every_form_of_the_project_reads_ids_with_checked_fields():
    """A plain Django id field would pass an out-of-range id on to the database; these check it first."""
    checked = (fields.ModelChoiceField, fields.ModelMultipleChoiceField)
    found = 0
    for form in _project_forms():
        for name, field in form.base_fields.items():
            where = f"{form.__module__}.{form.__name__}.{name}"
            if isinstance(field, forms.ModelChoiceField):
                assert isinstance(field, checked), f"{where}: use teilhabe.core.fields"
                found += 1
            elif isinstance(field, forms.IntegerField):
                assert field.max_value is not None and field.max_value <= ID_MAX, f"{where}: use IdField"
                found += 1
    assert found >= 7  # the contribution, comment and flag forms' id fields at least
