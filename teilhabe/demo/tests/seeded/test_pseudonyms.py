"""Point 10 of issue 6 (pseudonyms): a pseudonym reads in the reader's language, also in the demo."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from teilhabe.accounts.models import User
from teilhabe.contributions.models import Contribution


@pytest.mark.slow
def test_demo_residents_appear_under_pseudonyms_in_the_readers_language(client, demo, settings):
    assert not User.objects.filter(display_name__regex=r"\d+$").exists(), "a pseudonym was stored as a name"
    contribution = (
        Contribution.objects.filter(author__display_name="", organisation=None, status="published")
        .select_related("author")
        .first()
    )
    assert contribution is not None, "the demo has no contribution by a resident without a display name"
    url = reverse("contributions:detail", kwargs={"pk": contribution.pk})
    for language in ("en", "tr", "ar", "de"):
        client.cookies["django_language"] = language
        html = client.get(url).content.decode()
        with translation.override(language):
            expected = gettext("Participant %(number)s") % {"number": contribution.author.pk}
        assert expected in html, language
        assert not re.search(r"Nachbar·in \d", html), language
    client.cookies["django_language"] = "en"
    assert f"Participant {contribution.author.pk}" in client.get(url).content.decode()
