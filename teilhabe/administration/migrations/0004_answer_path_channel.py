"""The answer path keeps its contribution's channel, and its state index covers it (the answered figures split by
channel count from the index alone)."""

from django.db import migrations, models

FILL = """
UPDATE administration_answerpath SET channel = (
    SELECT contribution.channel FROM contributions_contribution AS contribution
    WHERE contribution.id = administration_answerpath.contribution_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("administration", "0003_answers"),
        ("contributions", "0014_event_results_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="answerpath",
            name="channel",
            field=models.CharField(
                choices=[
                    ("online", "Online"),
                    ("workshop", "Workshop"),
                    ("paper_form", "Paper form"),
                    ("letter", "Letter"),
                    ("email", "E-mail"),
                    ("phone", "Phone"),
                    ("info_stand", "Info stand"),
                    ("district_council", "District integration council"),
                    ("expert_group", "Expert group"),
                    ("other", "Other"),
                ],
                default="online",
                editable=False,
                max_length=20,
                verbose_name="channel",
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="answerpath", name="answer_path_by_state"),
        migrations.AddIndex(
            model_name="answerpath",
            index=models.Index(fields=["process", "state", "channel"], name="answer_path_by_state"),
        ),
    ]
