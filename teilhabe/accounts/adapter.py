from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from teilhabe.core.mail import supported_language
from teilhabe.core.ratelimit import client_address


class AccountAdapter(DefaultAccountAdapter):
    """Accounts remember their language; allauth's e-mails go out in the recipient's language.

    Like every mail of the platform they carry an HTML part with the language's direction (right to left
    for Arabic and Persian) around the plain text.
    """

    def get_client_ip(self, request) -> str:
        """allauth's rate limits count per client address, taken the same way as all our limits."""
        return client_address(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # Failed sign-ins count per account *and* address, so that failures from another address never lock
        # the owner out (docs/rate-limits.md). allauth has no public hook for this key; a test guards it.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_address(request)}"

    def save_user(self, request, user, form, commit=True):
        user.preferred_language = supported_language(translation.get_language())
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(supported_language(language)):
            super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        language = supported_language(translation.get_language())
        message.extra_headers["Content-Language"] = language
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            frame = {
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
                "text": message.body,
                "subject": message.subject,
            }
            message.attach_alternative(render_to_string("email/frame.html", frame), "text/html")
        return message
