"""Events remember the revision of their time and place, registrations the revision they were told of."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0003_figure_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='time_place_version',
            field=models.PositiveIntegerField(default=0, verbose_name='time and place revision'),
        ),
        migrations.AddField(
            model_name='registration',
            name='notified_version',
            field=models.PositiveIntegerField(default=0, verbose_name='told of the time and place revision'),
        ),
    ]
