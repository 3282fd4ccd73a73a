"""Every e-mail goes out in its recipient's language, as plain text plus HTML with the right direction."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def supported_language(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def send_localised_mail(
    *,
    to: list[str],
    language: str | None,
    subject,
    template: str,
    context: dict,
    headers: dict | None = None,
    connection=None,
) -> None:
    """Render ``<template>.txt`` (and the shared HTML frame) in ``language`` and send it.

    ``headers`` are added to the message (e.g. List-Unsubscribe); ``connection`` reuses one open connection for
    many mails (``django.core.mail.get_connection()``).
    """
    language = supported_language(language)
    with translation.override(language):
        context = {**context, "LANGUAGE_CODE": language, "LANGUAGE_BIDI": translation.get_language_bidi()}
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string("email/frame.html", {**context, "text": text, "subject": str(subject)})
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + str(subject),
            body=text,
            to=to,
            headers={**(headers or {}), "Content-Language": language},
            connection=connection,
        )
        message.attach_alternative(html, "text/html")
        message.send()
