"""A list's count comes from the tallies where its filters allow, and always equals counting the list."""

import pytest
from django.contrib.auth.models import AnonymousUser

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.contributions.selectors import ContributionFilters, contribution_list, contribution_list_count


@pytest.mark.parametrize(
    "filters",
    [
        ContributionFilters(),
        ContributionFilters(district=1),
        ContributionFilters(district=2, language="tr"),
        ContributionFilters(channel="online", language="de"),
        ContributionFilters(language="tr"),
        ContributionFilters(district=99),
        ContributionFilters(status="removed"),  # not the reader's to see: the published ones are counted
    ],
    ids=str,
)
def test_the_count_equals_counting_the_list(
    process, personas, coordinator, city, filters, django_capture_on_commit_callbacks
):
    districts = list(city.districts.order_by("number"))
    with django_capture_on_commit_callbacks(execute=True):
        made = [
            make_contribution(process, personas["participant"], district=districts[0]),
            make_contribution(process, personas["participant"], district=districts[1], language="tr"),
            make_contribution(process, personas["evaluator"], language="tr"),
            make_contribution(process, personas["evaluator"], district=districts[1], language="tr"),
        ]
        services.contribution_moderate(contribution=made[3], user=coordinator, publish=False, reason="off_topic")
    reader = AnonymousUser()
    expected = contribution_list(process=process, filters=filters, user=reader, counting=True).count()
    assert contribution_list_count(process=process, filters=filters, user=reader) == expected
    with django_capture_on_commit_callbacks(execute=True):
        make_contribution(process, personas["participant"], district=districts[1], language="tr")
    expected_after = contribution_list(process=process, filters=filters, user=reader, counting=True).count()
    assert contribution_list_count(process=process, filters=filters, user=reader) == expected_after
