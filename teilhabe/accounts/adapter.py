from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from teilhabe.core.mail import supported_language


class AccountAdapter(DefaultAccountAdapter):
    """Accounts remember their language; allauth's e-mails go out in the recipient's language."""

    def save_user(self, request, user, form, commit=True):
        user.preferred_language = supported_language(translation.get_language())
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", "") or translation.get_language()
        with translation.override(supported_language(language)):
            super().send_mail(template_prefix, email, context)
