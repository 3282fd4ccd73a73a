"""Analog supports: tallies of supports counted on paper at events (AnalogSupportTally), the contribution's
analog_support_count and the tallies' analog_supports (0 for every existing row: there were no analog supports), and
the "most supported" index on the sum of online and analog supports."""

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0015_answer_figure_indexes"),
        ("events", "0003_figure_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AnalogSupportTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("count", models.PositiveIntegerField(verbose_name="supports counted")),
                ("delta", models.IntegerField(verbose_name="change of the total")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="entered")),
            ],
            options={
                "verbose_name": "analog support tally",
                "verbose_name_plural": "analog support tallies",
            },
        ),
        migrations.RemoveIndex(
            model_name="contribution",
            name="contrib_list_supported",
        ),
        migrations.AddField(
            model_name="contribution",
            name="analog_support_count",
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name="supports at events"),
        ),
        migrations.AddField(
            model_name="contributiontally",
            name="analog_supports",
            field=models.PositiveIntegerField(db_default=0, default=0, verbose_name="supports at events"),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                models.F("process"),
                models.F("status"),
                models.OrderBy(
                    django.db.models.expressions.CombinedExpression(
                        models.F("support_count"), "+", models.F("analog_support_count")
                    ),
                    descending=True,
                ),
                models.OrderBy(models.F("id"), descending=True),
                name="contrib_list_supported",
            ),
        ),
        migrations.AddField(
            model_name="analogsupporttally",
            name="contribution",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="analog_supports",
                to="contributions.contribution",
                verbose_name="contribution",
            ),
        ),
        migrations.AddField(
            model_name="analogsupporttally",
            name="corrects",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="correction",
                to="contributions.analogsupporttally",
                verbose_name="corrects",
            ),
        ),
        migrations.AddField(
            model_name="analogsupporttally",
            name="entered_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="entered by",
            ),
        ),
        migrations.AddField(
            model_name="analogsupporttally",
            name="event",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="analog_supports",
                to="events.event",
                verbose_name="event",
            ),
        ),
        migrations.AddIndex(
            model_name="analogsupporttally",
            index=models.Index(fields=["contribution", "id"], name="analog_support_by_contrib"),
        ),
        migrations.AddIndex(
            model_name="analogsupporttally",
            index=models.Index(fields=["event", "id"], name="analog_support_by_event"),
        ),
        migrations.AddConstraint(
            model_name="analogsupporttally",
            constraint=models.CheckConstraint(
                condition=models.Q(("count__gte", 0)), name="analog_support_count_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="analogsupporttally",
            constraint=models.CheckConstraint(
                condition=models.Q(("corrects__isnull", False), ("delta", models.F("count")), _connector="OR"),
                name="analog_support_first_entry_adds_count",
            ),
        ),
    ]
