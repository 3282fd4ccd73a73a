"""Partial indexes for the process page's figures: event results per channel, and analog input kept unpublished."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0014_event_results_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                condition=models.Q(("event__isnull", False)),
                fields=["process", "status", "channel"],
                name="contrib_event_results_channel",
            ),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                condition=models.Q(("publication_consent", False), models.Q(("channel", "online"), _negated=True)),
                fields=["process", "status", "channel"],
                name="contrib_analog_unpublished",
            ),
        ),
    ]
