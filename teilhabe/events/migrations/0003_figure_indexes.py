"""Indexes for the calendar's next change by itself and the head counts of held events."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_calendar_entries"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["process", "state", "ends_at"], name="event_next_end"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["process", "state", "attendance_total"], name="event_attendance"),
        ),
    ]
