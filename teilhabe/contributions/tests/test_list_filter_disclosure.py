"""On a phone the list comes first: its filters sit in a disclosure that works without JavaScript."""

import re

from django.urls import reverse


def disclosure(client, process, query=""):
    html = client.get(reverse("contributions:list", kwargs={"slug": process.slug}) + query).content.decode()
    match = re.search(r'<details class="filter-details"( open)?>\s*<summary>(.*?)</summary>(.*?)</details>', html, re.S)
    assert match, "the filters are not inside a <details> disclosure"
    return bool(match.group(1)), re.sub(r"<[^>]+>|\s+", " ", match.group(2)).split(), match.group(3)


def test_filters_are_closed_until_one_is_set(client, process):
    client.cookies["django_language"] = "en"
    is_open, summary, content = disclosure(client, process)
    assert not is_open
    assert 'role="search"' in content and 'name="q"' in content and 'name="field"' in content
    assert " ".join(summary) == "Filter and search"  # no count while nothing is set


def test_filters_are_open_and_counted_when_set(client, process):
    client.cookies["django_language"] = "en"
    is_open, summary, _content = disclosure(client, process, "?field=bildung&q=Kurs&sort=supported")
    assert is_open
    assert " ".join(summary) == "Filter and search (2 filters set)"  # sorting is not a filter


def test_sorting_alone_leaves_the_filters_closed(client, process):
    is_open, _summary, _content = disclosure(client, process, "?sort=supported")
    assert not is_open


def test_filters_with_an_error_are_open(client, process):
    is_open, _summary, content = disclosure(client, process, "?district=abc")
    assert is_open and 'id="error-summary"' in content
