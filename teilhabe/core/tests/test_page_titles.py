"""The <title> of every page is plain text in every language (no markup from localised texts)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from teilhabe.conftest import make_contribution
from teilhabe.core.models import ContentTranslation


def title_of(response):
    (title,) = re.findall(r"<title>(.*?)</title>", response.content.decode(), flags=re.S)
    return title


@pytest.mark.slow
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_titles_hold_no_markup(client, process, closed_process, personas, language):
    ContentTranslation.objects.create(
        content_object=process, field="title", language="en", text="Our plan", state="machine"
    )
    contribution = make_contribution(process, personas["participant"])
    client.force_login(personas["coordinator"])
    client.cookies["django_language"] = language
    urls = [
        reverse("processes:home"),  # several processes: the list
        reverse("processes:detail", kwargs={"slug": process.slug}),
        reverse("contributions:list", kwargs={"slug": process.slug}),
        reverse("contributions:detail", kwargs={"pk": contribution.pk}),
        reverse("contributions:moderation", kwargs={"slug": process.slug}),
        reverse("processes:translations", kwargs={"slug": process.slug}),
    ]
    for url in urls:
        title = title_of(client.get(url))
        assert "<" not in title and "&lt;" not in title, (url, title)
        assert title.endswith(" · teilhabe"), (url, title)
    detail_title = title_of(client.get(urls[1]))
    expected = "Our plan" if language == "en" else process.title
    assert detail_title == f"{expected} · teilhabe"
