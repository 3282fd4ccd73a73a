"""Writes for contributions, comments, supports and flags: keyword-only, atomic and audited."""

import hashlib

import rules
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teilhabe.contributions.models import (
    Comment,
    Contribution,
    ContributionTranslation,
    Flag,
    FlagReason,
    Language,
    LanguageSource,
    RemovalReason,
    Status,
    Support,
)
from teilhabe.contributions.selectors import LISTS_NAMESPACE
from teilhabe.core.cache_versions import cache_version_bump
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.languages import detect_language
from teilhabe.core.machine_translation import TranslationUnavailable, machine_translate, machine_translation_enabled
from teilhabe.core.mail import send_localised_mail
from teilhabe.core.services import audit_record
from teilhabe.core.text import clean_plain_text
from teilhabe.processes.models import ModerationMode
from teilhabe.stakeholders.selectors import organisations_represented_by

FIGURES_NAMESPACE = "process-figures"  # read by teilhabe.monitoring.metrics
CONFIRM_SALT = "teilhabe.contribution-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def _figures_changed(process_id: int, *, lists: bool = False) -> None:
    """Cached figures (and, when contributions enter or leave lists, cached list counts) become stale."""
    cache_version_bump(FIGURES_NAMESPACE, process_id)
    if lists:
        cache_version_bump(LISTS_NAMESPACE, process_id)


def _require(user, perm: str, obj) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed()


def _initial_status(process) -> str:
    return Status.IN_MODERATION if process.moderation == ModerationMode.PRE else Status.PUBLISHED


@transaction.atomic
def contribution_create(
    *,
    process,
    user,
    title: str,
    body: str,
    fields_of_action,
    target_groups=(),
    district=None,
    neighbourhood=None,
    language: str = "",
    organisation=None,
    author_email: str = "",
    publication_consent: bool,
    author_language: str = "",
) -> Contribution:
    """Create an online contribution. Anonymous authors must confirm their e-mail address first.

    Without a ``language`` the language of the text is detected offline.
    """
    _require(user, "contributions.add_contribution", process)
    if organisation is not None:
        _require(user, "contributions.add_contribution_for_organisation", process)
        if not organisations_represented_by(user).filter(pk=organisation.pk).exists():
            raise NotAllowed(_("You do not represent this organisation."))
    title, body = clean_plain_text(title), clean_plain_text(body)
    errors = {}
    if not title:
        errors["title"] = _("Please enter a title.")
    if not body:
        errors["body"] = _("Please describe your contribution.")
    if not fields_of_action:
        errors["fields_of_action"] = _("Please choose at least one field of action.")
    if not publication_consent:
        errors["publication_consent"] = _("Contributions are published; please agree to publication.")
    anonymous = not getattr(user, "is_authenticated", False)
    if anonymous and not author_email:
        errors["author_email"] = _("Without an account we need your e-mail address to confirm the contribution.")
    if neighbourhood is not None and district is not None and neighbourhood.district_id != district.pk:
        errors["neighbourhood"] = _("This neighbourhood is not in the chosen district.")
    if any(field.process_id != process.pk for field in fields_of_action):
        errors["fields_of_action"] = _("Please choose fields of action of this process.")
    if any(group.process_id != process.pk for group in target_groups):
        errors["target_groups"] = _("Please choose target groups of this process.")
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), field_errors=errors)
    if neighbourhood is not None and district is None:
        district = neighbourhood.district
    language_source = LanguageSource.AUTHOR
    if not language:
        language = detect_language(f"{title}\n{body}") or Language.OTHER
        language_source = LanguageSource.DETECTED
    if language not in Language.values:
        raise ApplicationError(
            _("Please choose a language from the list."), field_errors={"language": _("Unknown language.")}
        )

    status = Status.AWAITING_CONFIRMATION if anonymous else _initial_status(process)
    contribution = Contribution.objects.create(
        process=process,
        title=title,
        body=body,
        district=district,
        neighbourhood=neighbourhood,
        language=language,
        language_source=language_source,
        author_language=author_language or translation.get_language() or "",
        author=None if anonymous else user,
        organisation=organisation,
        author_email=author_email.strip().lower() if anonymous else "",
        publication_consent=True,
        licence=process.contribution_licence,
        status=status,
        published_at=timezone.now() if status == Status.PUBLISHED else None,
    )
    contribution.fields_of_action.set(fields_of_action)
    contribution.target_groups.set(target_groups)
    audit_record(actor=user, action="contribution.created", obj=contribution, data={"status": status})
    _figures_changed(process.pk, lists=True)
    if anonymous:
        transaction.on_commit(lambda: _send_confirmation_mail(contribution))
    return contribution


def contribution_confirmation_token(contribution: Contribution) -> str:
    return signing.dumps({"c": contribution.pk, "e": contribution.author_email}, salt=CONFIRM_SALT)


def _send_confirmation_mail(contribution: Contribution) -> None:
    link = settings.SITE_URL + reverse(
        "contributions:confirm", kwargs={"token": contribution_confirmation_token(contribution)}
    )
    send_localised_mail(
        to=[contribution.author_email],
        language=contribution.author_language,
        subject=gettext_lazy("Please confirm your contribution"),
        template="contributions/email/confirm",
        context={"contribution": contribution, "link": link},
    )


@transaction.atomic
def contribution_set_language(*, contribution: Contribution, user, language: str) -> Contribution:
    """Staff correct the language of a contribution (for example when detection was wrong)."""
    _require(user, "contributions.moderate_contribution", contribution)
    if language not in Language.values:
        raise ApplicationError(
            _("Please choose a language from the list."), field_errors={"language": _("Unknown language.")}
        )
    previous = contribution.language
    contribution.language, contribution.language_source = language, LanguageSource.STAFF
    contribution.save(update_fields=["language", "language_source", "updated_at"])
    audit_record(
        actor=user, action="contribution.language_set", obj=contribution, data={"from": previous, "to": language}
    )
    _figures_changed(contribution.process_id, lists=True)
    return contribution


@transaction.atomic
def contribution_confirm_email(*, token: str) -> Contribution:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ApplicationError(_("This confirmation link has expired. Please submit the contribution again.")) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("This confirmation link is not valid.")) from exc
    contribution = (
        Contribution.objects.select_for_update()
        .select_related("process")
        .filter(pk=data.get("c"), author_email=data.get("e"))
        .first()
    )
    if contribution is None:
        raise NotFound(_("This confirmation link is not valid."))
    if contribution.status != Status.AWAITING_CONFIRMATION:
        return contribution  # confirming twice is harmless
    contribution.email_confirmed_at = timezone.now()
    contribution.status = _initial_status(contribution.process)
    if contribution.status == Status.PUBLISHED:
        contribution.published_at = timezone.now()
    contribution.save(update_fields=["email_confirmed_at", "status", "published_at", "updated_at"])
    audit_record(
        actor=None, action="contribution.email_confirmed", obj=contribution, data={"status": contribution.status}
    )
    _figures_changed(contribution.process_id, lists=True)
    return contribution


@transaction.atomic
def contribution_moderate(*, contribution: Contribution, user, publish: bool, reason: str = "") -> Contribution:
    """Publish a contribution from the queue, or remove it with a public reason category."""
    _require(user, "contributions.moderate_contribution", contribution)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if publish:
        if contribution.status == Status.AWAITING_CONFIRMATION:
            raise Conflict(_("The author has not yet confirmed this contribution."))
        contribution.status = Status.PUBLISHED
        contribution.removal_reason = ""
        contribution.published_at = contribution.published_at or timezone.now()
    else:
        if reason not in RemovalReason.values:
            raise ApplicationError(
                _("Please choose a reason for the removal."), field_errors={"reason": _("Please choose a reason.")}
            )
        contribution.status = Status.REMOVED
        contribution.removal_reason = reason
    contribution.save(update_fields=["status", "removal_reason", "published_at", "updated_at"])
    Flag.objects.filter(contribution=contribution, comment__isnull=True, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
    contribution.open_flag_count = 0
    Contribution.objects.filter(pk=contribution.pk).update(open_flag_count=0)
    audit_record(
        actor=user,
        action="contribution.published" if publish else "contribution.removed",
        obj=contribution,
        data={"reason": contribution.removal_reason},
    )
    _figures_changed(contribution.process_id, lists=True)
    return contribution


@transaction.atomic
def comment_create(
    *, contribution: Contribution, user, body: str, parent: Comment | None = None, language: str = "de"
) -> Comment:
    _require(user, "contributions.add_comment", contribution)
    body = clean_plain_text(body)
    if not body:
        raise ApplicationError(_("Please write a comment."), field_errors={"body": _("Please write a comment.")})
    if parent is not None:
        if parent.contribution_id != contribution.pk:
            raise ApplicationError(_("You can only reply to comments on this contribution."))
        if parent.parent_id is not None:
            parent = parent.parent  # replies stay one level deep
    status = _initial_status(contribution.process)
    comment = Comment.objects.create(
        contribution=contribution, parent=parent, author=user, body=body, language=language, status=status
    )
    if status == Status.PUBLISHED:
        Contribution.objects.filter(pk=contribution.pk).update(comment_count=F("comment_count") + 1)
    audit_record(actor=user, action="comment.created", obj=comment, data={"status": status})
    _figures_changed(contribution.process_id)
    return comment


@transaction.atomic
def comment_moderate(*, comment: Comment, user, publish: bool, reason: str = "") -> Comment:
    _require(user, "contributions.moderate_contribution", comment.contribution)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    was_published = comment.status == Status.PUBLISHED
    if publish:
        comment.status, comment.removal_reason = Status.PUBLISHED, ""
    else:
        if reason not in RemovalReason.values:
            raise ApplicationError(
                _("Please choose a reason for the removal."), field_errors={"reason": _("Please choose a reason.")}
            )
        comment.status, comment.removal_reason = Status.REMOVED, reason
    comment.open_flag_count = 0
    comment.save(update_fields=["status", "removal_reason", "open_flag_count", "updated_at"])
    delta = int(comment.status == Status.PUBLISHED) - int(was_published)
    if delta:
        Contribution.objects.filter(pk=comment.contribution_id).update(comment_count=F("comment_count") + delta)
    Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=user)
    audit_record(
        actor=user,
        action="comment.published" if publish else "comment.removed",
        obj=comment,
        data={"reason": comment.removal_reason},
    )
    _figures_changed(comment.contribution.process_id)
    return comment


def support_add(*, contribution: Contribution, user) -> bool:
    """Support a contribution once. Returns False when the person already supports it."""
    _require(user, "contributions.add_support", contribution)
    try:
        with transaction.atomic():
            support = Support.objects.create(contribution=contribution, user=user)
            Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") + 1)
            audit_record(actor=user, action="support.added", obj=contribution, data={"support": support.pk})
            _figures_changed(contribution.process_id)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def support_withdraw(*, contribution: Contribution, user) -> bool:
    """Withdraw one's support. Returns False when there was none."""
    _require(user, "contributions.add_support", contribution)
    deleted, _unused = Support.objects.filter(contribution=contribution, user=user).delete()
    if not deleted:
        return False
    Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") - 1)
    audit_record(actor=user, action="support.withdrawn", obj=contribution)
    _figures_changed(contribution.process_id)
    return True


def flag_create(
    *, contribution: Contribution, user, reason: str, note: str = "", comment: Comment | None = None
) -> bool:
    """Report a contribution or comment to the moderators. Returns False for a repeated report."""
    _require(user, "contributions.flag_contribution", contribution)
    if reason not in FlagReason.values:
        raise ApplicationError(_("Please choose a reason."), field_errors={"reason": _("Please choose a reason.")})
    if comment is not None and comment.contribution_id != contribution.pk:
        raise NotFound()
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                contribution=contribution,
                comment=comment,
                reporter=user,
                reason=reason,
                note=clean_plain_text(note)[:500],
            )
            target = (
                Comment.objects.filter(pk=comment.pk) if comment else Contribution.objects.filter(pk=contribution.pk)
            )
            target.update(open_flag_count=F("open_flag_count") + 1)
            audit_record(actor=user, action="flag.created", obj=flag, data={"reason": reason})
    except IntegrityError:
        return False
    return True


def contribution_translation_get(*, contribution: Contribution, language: str):
    """A machine translation of the contribution into ``language``, made once and stored apart.

    Returns None when no translation is needed or possible; the page then shows the original.
    """
    target = language.split("-")[0]
    if target == contribution.language or contribution.language == Language.OTHER and not machine_translation_enabled():
        return None
    source_hash = hashlib.sha256(f"{contribution.title}\n{contribution.body}".encode()).hexdigest()
    stored = ContributionTranslation.objects.filter(
        contribution=contribution, language=target, source_hash=source_hash
    ).first()
    if stored is not None or not machine_translation_enabled():
        return stored
    source = "" if contribution.language == Language.OTHER else contribution.language
    try:
        title, body = machine_translate([contribution.title, contribution.body], source=source or "auto", target=target)
    except TranslationUnavailable:
        return None
    stored, _created = ContributionTranslation.objects.update_or_create(
        contribution=contribution,
        language=target,
        defaults={
            "title": clean_plain_text(title)[:480],
            "body": clean_plain_text(body),
            "source_hash": source_hash,
            "engine": settings.MT_BACKEND,
        },
    )
    return stored
