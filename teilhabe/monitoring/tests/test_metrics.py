from teilhabe.conftest import make_contribution
from teilhabe.contributions import services
from teilhabe.monitoring.metrics import contributions_by_channel, process_figures


def test_figures_follow_every_change(process, personas, django_capture_on_commit_callbacks):
    participant, coordinator = personas["participant"], personas["coordinator"]
    assert process_figures(process=process) == {"contributions": 0, "supports": 0, "comments": 0}
    with django_capture_on_commit_callbacks(execute=True):
        contribution = make_contribution(process, participant)
    assert process_figures(process=process)["contributions"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(contribution=contribution, user=coordinator)
        comment = services.comment_create(contribution=contribution, user=coordinator, body="Gut")
    assert process_figures(process=process) == {"contributions": 1, "supports": 1, "comments": 1}
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=comment, user=coordinator, publish=False, reason="off_topic")
        services.contribution_moderate(contribution=contribution, user=coordinator, publish=False, reason="duplicate")
    assert process_figures(process=process) == {"contributions": 0, "supports": 0, "comments": 0}


def test_channels_split_published_contributions(process, participant):
    make_contribution(process, participant)
    assert contributions_by_channel(process=process) == {"online": 1}
