"""The public process page links the process's published calls, and its cached copy follows publishing and
retitling (the calls version is part of its page versions)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from teilhabe.competitions import services
from teilhabe.competitions.tests.conftest import client_of

pytestmark = pytest.mark.django_db


def test_the_process_page_links_published_calls_only(call, coordinator, process, django_capture_on_commit_callbacks):
    cache.clear()
    page = reverse("processes:detail", kwargs={"slug": process.slug})
    link = reverse("competitions:public_call", kwargs={"slug": process.slug, "pk": call.pk})
    first = client_of(None).get(page)
    assert first.status_code == 200 and link not in first.content.decode()
    assert "public" in first.headers.get("Cache-Control", "")  # stored in the page cache
    with django_capture_on_commit_callbacks(execute=True):
        services.call_publish(user=coordinator, call=call)
    html = client_of(None).get(page).content.decode()
    assert link in html and "Zusammen Wirken" in html
    data = {name: getattr(call, name) for name in services.CALL_FIELDS}
    with django_capture_on_commit_callbacks(execute=True):
        services.call_update(user=coordinator, call=call, **{**data, "title": "Gemeinsam Wirken"})
    html = client_of(None).get(page).content.decode()
    assert "Gemeinsam Wirken" in html and "Zusammen Wirken" not in html
