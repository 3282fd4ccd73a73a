import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from teilhabe.evaluation import services


@pytest.fixture
def evaluator(personas):
    return personas["evaluator"]


@pytest.fixture
def indicator(process, coordinator):
    return services.indicator_save(
        user=coordinator,
        process=process,
        name="Anteil Kita-Kinder mit Sprachförderung",
        unit="%",
        source="Statistikstelle (fiktiv)",
        baseline_value=Decimal("40"),
        baseline_date=datetime.date(2024, 1, 1),
        target_value=Decimal("60"),
        target_date=datetime.date(2030, 12, 31),
        direction="up",
        field_of_action=process.fields_of_action.first(),
    )


def answer_online(process, n, *, value=4, user=None, free_text=""):
    """``n`` online responses from distinct browsers, each agreeing with ``value`` to every statement."""
    from django.contrib.auth.models import AnonymousUser

    from teilhabe.evaluation.questions import QUESTION_KEYS

    for index in range(n):
        services.questionnaire_submit(
            user=user or AnonymousUser(),
            process=process,
            respondent=services.respondent_key(session_token=f"browser-{value}-{index}-{free_text[:5]}"),
            answers=dict.fromkeys(QUESTION_KEYS, value),
            free_text=free_text,
        )


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English msgids (German would come from the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the interface's English source texts: requests without a language choice get English, and
    so do messages made outside a request. The German pages are checked by the browser tests."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
