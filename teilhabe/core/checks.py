"""System checks for configuration that would otherwise fail late."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_configured(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_MISSING", False) and not settings.DEBUG:
        return [Error("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.", id="teilhabe.E001")]
    return []


@register(Tags.security, deploy=True)
def audit_key_configured(app_configs, **kwargs):
    if not settings.DEBUG and (getattr(settings, "AUDIT_KEY_MISSING", False) or len(settings.AUDIT_KEY) < 32):
        return [
            Error(
                "AUDIT_KEY (or AUDIT_KEY_FILE) must be set to a random value of at least 32 characters, kept outside "
                "the database, when DEBUG is off.",
                id="teilhabe.E002",
            )
        ]
    return []
