"""Fixtures of the monitoring tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the interface's English source texts: requests without a language choice get English, and
    so do messages made outside a request. The German pages are checked by the browser tests."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
