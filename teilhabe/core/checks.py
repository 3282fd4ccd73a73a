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


@register()
def small_cell_k_valid(app_configs, **kwargs):
    from teilhabe.core.disclosure import MINIMUM_K

    k = getattr(settings, "SMALL_CELL_K", None)
    if isinstance(k, bool) or not isinstance(k, int) or k < MINIMUM_K:
        return [
            Error(
                f"SMALL_CELL_K must be an integer of at least {MINIMUM_K} (with 2, '< 2' would name the count 1).",
                id="teilhabe.E010",
            )
        ]
    return []
