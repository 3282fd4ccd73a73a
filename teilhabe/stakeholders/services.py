"""Writes for the stakeholder registry: organisations, their contact persons and representatives.

Every change is checked, atomic and audited. Audit entries name ids and field names only, never a contact
person's name, address or phone number (the audit log outlives the deletion of contact data).
"""

from __future__ import annotations

import datetime

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import TranslationState
from teilhabe.core.services import ManyRows, audit_record, content_translation_set
from teilhabe.core.text import clean_plain_text
from teilhabe.places.models import District
from teilhabe.processes.models import FieldOfAction
from teilhabe.stakeholders.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    ContactPerson,
    Organisation,
    OrganisationLanguage,
    OrganisationType,
    Representative,
)

PHONE_CHARACTERS = set("0123456789+-/() ")


def _require(user, perm: str, obj=None) -> None:
    if not (getattr(user, "is_superuser", False) or rules.has_perm(perm, user, obj)):
        raise NotAllowed()


def _raise(errors: dict) -> None:
    if errors:
        raise ApplicationError(next(iter(errors.values())), field_errors=errors)


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _clean_profile(*, name, type, website, description, mail_language, languages, organisation=None) -> dict:
    errors = {}
    name = clean_plain_text(name or "").strip()
    if not name:
        errors["name"] = _("Please give the organisation's name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("The name is too long.")
    else:
        same = Organisation.objects.filter(name__iexact=name)
        if organisation is not None:
            same = same.exclude(pk=organisation.pk)
        if same.exists():
            errors["name"] = _("An organisation of this name is in the registry already.")
    if type not in OrganisationType.values:
        errors["type"] = _("Please choose a type from the list.")
    website = (website or "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors["website"] = _("Please give a web address beginning with https://.")
    description = clean_plain_text(description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("The description is too long.")
    if mail_language not in language_codes():
        errors["mail_language"] = _("Please choose a language from the list.")
    languages = list(dict.fromkeys(languages or []))
    if not set(languages) <= language_codes():
        errors["languages"] = _("Please choose languages from the list.")
    _raise(errors)
    return {
        "name": name,
        "type": type,
        "website": website,
        "description": description,
        "mail_language": mail_language,
        "languages": languages,
    }


def _set_relations(organisation, *, districts, fields_of_interest, languages) -> None:
    districts = list(districts or [])
    fields = list(fields_of_interest or [])
    if any(not isinstance(item, District) for item in districts) or any(
        not isinstance(item, FieldOfAction) for item in fields
    ):
        raise ApplicationError(_("Please choose districts and fields from the lists."))
    organisation.districts.set(districts)
    organisation.fields_of_interest.set(fields)
    OrganisationLanguage.objects.filter(organisation=organisation).exclude(language__in=languages).delete()
    have = set(OrganisationLanguage.objects.filter(organisation=organisation).values_list("language", flat=True))
    OrganisationLanguage.objects.bulk_create(
        [OrganisationLanguage(organisation=organisation, language=code) for code in languages if code not in have]
    )


@transaction.atomic
def organisation_create(
    *,
    actor,
    name: str,
    type: str,
    districts=(),
    fields_of_interest=(),
    languages=(),
    description: str = "",
    website: str = "",
    mail_language: str = "de",
    listed_publicly: bool = False,
    department=None,
    is_fictional: bool = False,
) -> Organisation:
    """A coordinator adds an organisation to the registry; it counts as checked at once."""
    _require(actor, "stakeholders.manage_registry")
    data = _clean_profile(
        name=name,
        type=type,
        website=website,
        description=description,
        mail_language=mail_language,
        languages=languages,
    )
    languages = data.pop("languages")
    organisation = Organisation.objects.create(
        **data,
        listed_publicly=bool(listed_publicly),
        department=department,
        is_fictional=bool(is_fictional),
        checked_at=timezone.now(),
        checked_by=actor,
    )
    _set_relations(organisation, districts=districts, fields_of_interest=fields_of_interest, languages=languages)
    audit_record(actor=actor, action="organisation.created", obj=organisation, data={"type": organisation.type})
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor,
    organisation: Organisation,
    name: str,
    type: str,
    districts=(),
    fields_of_interest=(),
    languages=(),
    description: str = "",
    website: str = "",
    mail_language: str = "de",
    listed_publicly: bool = False,
    department=None,
) -> Organisation:
    _require(actor, "stakeholders.manage_registry")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    data = _clean_profile(
        name=name,
        type=type,
        website=website,
        description=description,
        mail_language=mail_language,
        languages=languages,
        organisation=organisation,
    )
    languages = data.pop("languages")
    changed = [field for field, value in data.items() if getattr(organisation, field) != value]
    for field, value in data.items():
        setattr(organisation, field, value)
    if organisation.listed_publicly != bool(listed_publicly):
        changed.append("listed_publicly")
    organisation.listed_publicly = bool(listed_publicly)
    if organisation.department_id != getattr(department, "pk", None):
        changed.append("department")
    organisation.department = department
    organisation.save()
    _set_relations(organisation, districts=districts, fields_of_interest=fields_of_interest, languages=languages)
    audit_record(actor=actor, action="organisation.changed", obj=organisation, data={"fields": changed})
    return organisation


@transaction.atomic
def organisation_register(
    *,
    actor,
    name: str,
    type: str,
    districts=(),
    fields_of_interest=(),
    languages=(),
    description: str = "",
    website: str = "",
    mail_language: str = "de",
    listed_publicly: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Organisation:
    """An organisation registers itself: it waits for a coordinator's check before it is listed, and the person
    registering asks to represent it (verified by a coordinator like every representative)."""
    _require(actor, "stakeholders.register_organisation")
    data = _clean_profile(
        name=name,
        type=type,
        website=website,
        description=description,
        mail_language=mail_language,
        languages=languages,
    )
    languages = data.pop("languages")
    contact = _clean_contact(name=contact_name, email=contact_email, phone=contact_phone) if contact_name else None
    organisation = Organisation.objects.create(**data, listed_publicly=bool(listed_publicly), registered_by=actor)
    _set_relations(organisation, districts=districts, fields_of_interest=fields_of_interest, languages=languages)
    representative = Representative.objects.create(organisation=organisation, user=actor)
    if contact:
        ContactPerson.objects.create(organisation=organisation, **contact)
    audit_record(actor=actor, action="organisation.registered", obj=organisation, data={"type": organisation.type})
    audit_record(
        actor=actor,
        action="representative.requested",
        obj=representative,
        data={"organisation": organisation.pk, "user": actor.pk},
    )
    return organisation


@transaction.atomic
def organisation_check(*, actor, organisation: Organisation) -> Organisation:
    """A coordinator has checked a self-registered organisation: it may now be listed (if it agreed)."""
    _require(actor, "stakeholders.manage_registry")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.checked_at is not None:
        raise Conflict(_("This organisation has been checked already."))
    organisation.checked_at = timezone.now()
    organisation.checked_by = actor
    organisation.save(update_fields=["checked_at", "checked_by"])
    audit_record(actor=actor, action="organisation.checked", obj=organisation)
    return organisation


@transaction.atomic
def organisation_translation_set(*, actor, organisation: Organisation, language: str, text: str) -> None:
    """A coordinator's translation of an organisation's self-description (shown in the directory's languages)."""
    _require(actor, "stakeholders.manage_registry")
    if language not in language_codes() or language == settings.LANGUAGE_CODE:
        raise ApplicationError(
            _("Please choose a language from the list."),
            field_errors={"language": _("Please choose a language from the list.")},
        )
    text = clean_plain_text(text or "").strip()
    if not text or len(text) > DESCRIPTION_MAX:
        message = _("Please give the translation (at most 2,000 characters).")
        raise ApplicationError(message, field_errors={"text": message})
    content_translation_set(
        obj=organisation, field="description", language=language, text=text, state=TranslationState.CHECKED, actor=actor
    )


# == contact persons ============================================================================================


def _clean_contact(*, name, email, phone) -> dict:
    errors = {}
    name = clean_plain_text(name or "").strip()
    email = (email or "").strip()
    phone = (phone or "").strip()
    if not name:
        errors["contact_name"] = _("Please give the contact person's name.")
    elif len(name) > 120:
        errors["contact_name"] = _("The name is too long.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = _("Please give a valid e-mail address.")
    if phone and (len(phone) > 40 or not set(phone) <= PHONE_CHARACTERS):
        errors["contact_phone"] = _("Please give a phone number with digits, spaces and + - / ( ) only.")
    if not email and not phone and not errors:
        errors["contact_email"] = _("Please give an e-mail address or a phone number.")
    _raise(errors)
    return {"name": name, "email": email, "phone": phone}


@transaction.atomic
def contact_person_add(
    *, actor, organisation: Organisation, name: str, email: str = "", phone: str = ""
) -> ContactPerson:
    _require(actor, "stakeholders.view_contacts")
    contact = ContactPerson.objects.create(
        organisation=organisation, **_clean_contact(name=name, email=email, phone=phone)
    )
    audit_record(actor=actor, action="contact_person.added", obj=contact, data={"organisation": organisation.pk})
    return contact


@transaction.atomic
def contact_person_delete(*, actor, contact: ContactPerson) -> None:
    """Delete a contact person's data on request; the audit entry keeps the ids only."""
    _require(actor, "stakeholders.view_contacts")
    organisation_id = contact.organisation_id
    audit_record(actor=actor, action="contact_person.deleted", obj=contact, data={"organisation": organisation_id})
    ContactPerson.objects.filter(pk=contact.pk).delete()


def contact_persons_purge(*, now=None) -> int:
    """Delete contact persons unchanged for ``TEILHABE_CONTACT_RETENTION_DAYS``; one audit entry with the count.
    ``manage.py purge_contact_persons`` and the housekeeping job run it; a second run finds nothing."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.TEILHABE_CONTACT_RETENTION_DAYS)
    with transaction.atomic():
        stale = ContactPerson.objects.filter(updated_at__lt=before)
        count = stale.count()
        if count:
            stale.delete()
            audit_record(
                actor=None,
                action="contact_person.purged",
                obj=ManyRows(ContactPerson),
                data={"count": count, "days": settings.TEILHABE_CONTACT_RETENTION_DAYS},
            )
    return count


# == representatives ============================================================================================


@transaction.atomic
def representative_request(*, actor, organisation: Organisation) -> Representative:
    """A person asks to represent an organisation; a coordinator verifies (``representative_verify``)."""
    _require(actor, "stakeholders.register_organisation")
    if Representative.objects.filter(organisation=organisation, user=actor).exists():
        raise Conflict(_("You have asked to represent this organisation already."))
    representative = Representative.objects.create(organisation=organisation, user=actor)
    audit_record(
        actor=actor,
        action="representative.requested",
        obj=representative,
        data={"organisation": organisation.pk, "user": actor.pk},
    )
    return representative


@transaction.atomic
def representative_verify(*, actor, representative: Representative) -> Representative:
    """A coordinator confirms that a person speaks for an organisation; never for themselves (four eyes)."""
    representative = Representative.objects.select_for_update().get(pk=representative.pk)
    if representative.user_id == actor.pk:
        raise NotAllowed(_("You cannot verify yourself as a representative: another coordinator has to do it."))
    if not (actor.is_superuser or rules.has_perm("stakeholders.verify_representative", actor, representative)):
        raise NotAllowed(_("Only coordinators can verify representatives."))
    if representative.verified_at is not None:
        raise Conflict(_("This representative is already verified."))
    representative.verified_at = timezone.now()
    representative.verified_by = actor
    representative.save(update_fields=["verified_at", "verified_by"])
    audit_record(
        actor=actor,
        action="representative.verified",
        obj=representative,
        data={"organisation": representative.organisation_id, "user": representative.user_id},
    )
    return representative


@transaction.atomic
def representative_leave(*, actor, representative: Representative) -> None:
    """The person stops representing the organisation (or a coordinator removes them, or refuses a request).
    What they contributed on its behalf stays the organisation's."""
    if representative.user_id != actor.pk:
        _require(actor, "stakeholders.manage_registry")
    audit_record(
        actor=actor,
        action="representative.left" if representative.user_id == actor.pk else "representative.removed",
        obj=representative,
        data={"organisation": representative.organisation_id, "user": representative.user_id},
    )
    Representative.objects.filter(pk=representative.pk).delete()
