"""Role groups exist in every deployment, with their admin permissions (docs/roles.md).

After this, every ``migrate`` re-syncs them (post_migrate in accounts/apps.py), so permissions of models
added later reach the groups too.
"""

from django.db import migrations


def role_groups_create(apps, schema_editor):
    from teilhabe.accounts.services import role_groups_sync

    role_groups_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sites", "0002_alter_domain_unique"),
        ("core", "0002_accessibilityfeedback_contenttranslation"),
        ("places", "0002_verbose_names"),
        ("processes", "0002_verbose_names"),
        ("stakeholders", "0002_representative_verified_by"),
        ("administration", "0002_verbose_names"),
        ("councils", "0002_verbose_names"),
        ("competitions", "0002_verbose_names"),
    ]

    operations = [migrations.RunPython(role_groups_create, migrations.RunPython.noop)]
