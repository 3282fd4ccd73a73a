"""Writes of the ideas competition: every change is a keyword-only, atomic, audited function here.

Calls: created with the fund's default tiers and criteria, their texts and translations, period, budget,
limits and who may apply; their tiers and criteria until the published call opens; publishing.

The fund's ledger: a year's budget, and entries (commitment, payment, repayment, release). An entry is never
changed or deleted; a correction is a new entry naming the one it corrects. No entry takes a year's
commitments over its budget unless a coordinator overrides it explicitly, with a reason (audited as such);
payments never exceed what the year has committed.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from decimal import Decimal, InvalidOperation

import filetype
import rules
from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teilhabe.competitions.models import (
    AMOUNT_MAX,
    DESCRIPTION_MAX,
    LINE_MAX,
    NAME_MAX,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    ApplicantKind,
    Application,
    ApplicationChannel,
    ApplicationFile,
    ApplicationState,
    ApplicationSupport,
    ApplicationSupportTally,
    BudgetLine,
    Call,
    ConflictDeclaration,
    Criterion,
    Decision,
    DecisionOutcome,
    Eligibility,
    EligibilityItem,
    EntryKind,
    Fund,
    FundingTier,
    FundYear,
    Grant,
    GrantReport,
    JuryMembership,
    LedgerEntry,
    Recommendation,
    ReportKind,
    Score,
    SupportChannel,
    TierKind,
)
from teilhabe.competitions.selectors import (
    CALLS_NAMESPACE,
    _balance,
    _sums_by_kind,
    applicant_kinds_for,
    call_config_locked,
    call_criteria,
    call_tiers,
    entry_net,
    euro,
    fund_year_budget,
    grant_paid,
    jury_applications,
    organisations_represented_by,
    seat_of,
    tier_problem,
)
from teilhabe.core.cache_versions import cache_version_bump
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.mail import send_localised_mail, supported_language
from teilhabe.core.selectors import localise
from teilhabe.core.services import audit_record, content_translation_set
from teilhabe.core.text import clean_plain_text

YEAR_MIN, YEAR_MAX = 2000, 2100


def _require(user, perm: str, obj) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed()


def _raise(errors: dict) -> None:
    if errors:
        raise ApplicationError(next(iter(errors.values())), field_errors=errors)


def _refuse(field: str, message) -> None:
    """Refuse with the whole message at the field it concerns (where the form shows it)."""
    raise ApplicationError(message, field_errors={field: message})


def _amount(value, field: str, errors: dict, *, allow_negative=False, allow_zero=False) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = _("Please enter an amount in euros, such as 1250.50.")
        return None
    if not amount.is_finite() or abs(amount) > AMOUNT_MAX:
        errors[field] = _("Please enter an amount in euros, such as 1250.50.")
        return None
    if (amount == 0 and not allow_zero) or (amount < 0 and not allow_negative):
        errors[field] = _("Please enter an amount greater than zero.")
        return None
    return amount


def _year(value, errors: dict) -> int | None:
    if not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        errors["year"] = _("Please enter a year between %(min)d and %(max)d.") % {"min": YEAR_MIN, "max": YEAR_MAX}
        return None
    return value


def _reason(value, field: str, errors: dict, message: str) -> str:
    value = clean_plain_text(value or "")
    if not value:
        errors[field] = message
    elif len(value) > REASON_MAX:
        errors[field] = _("Please shorten this text to at most %(max)d characters.") % {"max": REASON_MAX}
    return value


@transaction.atomic
def fund_year_set(*, user, fund: Fund, year: int, budget) -> FundYear:
    """Set (or change) a year's budget. Refused below what the year has committed already."""
    _require(user, "competitions.keep_ledger", fund)
    errors: dict = {}
    year = _year(year, errors)
    amount = _amount(budget, "budget", errors, allow_zero=True)
    _raise(errors)
    Fund.objects.select_for_update().get(pk=fund.pk)  # one writer of the fund's books at a time
    balance = _balance(year, amount, _sums_by_kind(fund.pk, year))
    if balance.remaining < 0:
        _refuse(
            "budget",
            _("The year %(year)d has %(committed)s committed already; its budget cannot be lower than that.")
            % {"year": year, "committed": euro(balance.committed)},
        )
    previous = FundYear.objects.filter(fund=fund, year=year).first()
    fund_year, _created = FundYear.objects.update_or_create(fund=fund, year=year, defaults={"budget": amount})
    audit_record(
        actor=user,
        action="fund.budget_set",
        obj=fund_year,
        data={
            "fund": fund.pk,
            "year": year,
            "budget": str(amount),
            "previous": str(previous.budget) if previous else None,
        },
    )
    return fund_year


@transaction.atomic
def ledger_entry_record(
    *,
    user,
    fund: Fund,
    kind: str,
    amount,
    year: int | None = None,
    booked_on: datetime.date | None = None,
    reason: str,
    call=None,
    grant=None,
    corrects: LedgerEntry | None = None,
    override_reason: str = "",
) -> LedgerEntry:
    """Book one entry. ``corrects``: the entry this one corrects (same fund, kind and year; the amount may be
    negative, down to the corrected entry's zero). ``override_reason``: a coordinator's explicit reason to let the
    year's commitments exceed its budget; without it such an entry is refused, and with it the entry is audited as
    an override. Payments never exceed the year's commitments."""
    _require(user, "competitions.keep_ledger", fund)
    errors: dict = {}
    if kind not in EntryKind.values:
        errors["kind"] = _("Please choose the kind of entry.")
    if corrects is not None:
        if corrects.fund_id != fund.pk:
            errors["corrects"] = _("A correction must name an entry of the same fund.")
        else:
            kind = corrects.kind
            year = corrects.year
    amount = _amount(amount, "amount", errors, allow_negative=corrects is not None)
    if corrects is None:
        year = _year(year if year is not None else (booked_on or timezone.localdate()).year, errors)
    booked_on = booked_on or timezone.localdate()
    reason = _reason(reason, "reason", errors, _("Please say why this entry is booked."))
    override_reason = clean_plain_text(override_reason or "")
    if len(override_reason) > REASON_MAX:
        errors["override_reason"] = _("Please shorten this text to at most %(max)d characters.") % {"max": REASON_MAX}
    if grant is not None:
        call = grant.application.call
    if call is not None and call.fund_id != fund.pk:
        errors["call"] = _("The call is paid from another fund.")
    _raise(errors)

    Fund.objects.select_for_update().get(pk=fund.pk)  # balances are checked and booked by one writer at a time
    if corrects is not None and entry_net(corrects) + amount < 0:
        _refuse(
            "amount",
            _("A correction cannot take the entry below zero: it stands at %(net)s.")
            % {"net": euro(entry_net(corrects))},
        )
    if grant is not None and kind == EntryKind.PAYMENT:
        paid = grant_paid(grant)
        if paid + amount > grant.amount:
            _refuse(
                "amount",
                _("The grant is %(granted)s and %(paid)s are paid already: at most %(left)s can be paid.")
                % {"granted": euro(grant.amount), "paid": euro(paid), "left": euro(grant.amount - paid)},
            )
    budget = fund_year_budget(fund, year)
    sums = _sums_by_kind(fund.pk, year)
    before = _balance(year, budget, sums)
    sums[(year, kind)] = (sums.get((year, kind)) or Decimal("0.00")) + amount
    after = _balance(year, budget, sums)
    if after.paid > after.committed and after.paid > before.paid:
        _refuse(
            "amount",
            _(
                "This payment would take the payments of %(year)d to %(paid)s, more than the %(committed)s committed:"
                " book the commitment first."
            )
            % {"year": year, "paid": euro(after.paid), "committed": euro(after.committed)},
        )
    if after.paid < 0:
        _refuse(
            "amount",
            _("More would be repaid than was paid in %(year)d (%(paid)s).") % {"year": year, "paid": euro(before.paid)},
        )
    if after.committed < after.paid:
        _refuse(
            "amount",
            _("This would release more than is committed and not paid in %(year)d (%(outstanding)s).")
            % {"year": year, "outstanding": euro(before.outstanding)},
        )
    overspends = after.remaining < 0 and after.committed > before.committed
    if overspends and not override_reason:
        _refuse(
            "amount",
            _(
                "This entry would commit %(committed)s in %(year)d, %(over)s more than the budget of %(budget)s."
                " Only a coordinator can allow this, by giving a reason for exceeding the budget."
            )
            % {
                "committed": euro(after.committed),
                "year": year,
                "over": euro(-after.remaining),
                "budget": euro(budget),
            },
        )
    entry = LedgerEntry.objects.create(
        fund=fund,
        year=year,
        kind=kind,
        amount=amount,
        booked_on=booked_on,
        call=call,
        grant=grant,
        reason=reason,
        corrects=corrects,
        override_reason=override_reason if overspends else "",
        recorded_by=user,
    )
    data = {
        "fund": fund.pk,
        "year": year,
        "kind": kind,
        "amount": str(amount),
        "booked_on": booked_on.isoformat(),
        "call": call.pk if call else None,
        "grant": grant.pk if grant else None,
        "corrects": corrects.pk if corrects else None,
        "reason": reason,
    }
    audit_record(actor=user, action="ledger.entry_recorded", obj=entry, data=data)
    if overspends:
        audit_record(
            actor=user,
            action="ledger.budget_override",
            obj=entry,
            data={**data, "override_reason": override_reason, "budget": str(budget), "committed": str(after.committed)},
        )
    return entry


# --- calls -----------------------------------------------------------------------------------------------------

CALL_FIELDS = (
    "title",
    "theme",
    "description",
    "opens",
    "closes",
    "budget",
    "max_grant",
    "max_months",
    "allows_organisations",
    "allows_groups",
    "allows_individuals",
    "scale_min",
    "scale_max",
    "support_opens",
    "support_closes",
)
CONFIG_FIELDS = (
    "budget",
    "max_grant",
    "max_months",
    "allows_organisations",
    "allows_groups",
    "allows_individuals",
    "scale_min",
    "scale_max",
    "opens",
)
SCALE_MAX = 100


def calls_changed(process_id: int) -> None:
    """After commit: the public call pages of the process are stale."""
    transaction.on_commit(lambda: cache_version_bump(CALLS_NAMESPACE, process_id))


def _clean_call(data: dict, errors: dict) -> dict:
    cleaned = {}
    for name, limit in (("title", TITLE_MAX), ("theme", TITLE_MAX), ("description", TEXT_MAX)):
        value = clean_plain_text(data.get(name) or "") if name != "description" else (data.get(name) or "").strip()
        if len(value) > limit:
            errors[name] = _("Please shorten this text to at most %(max)d characters.") % {"max": limit}
        cleaned[name] = value
    if not cleaned["title"]:
        errors["title"] = _("Please give the call a title.")
    opens, closes = data.get("opens"), data.get("closes")
    if not isinstance(opens, datetime.datetime):
        errors["opens"] = _("Please say when applications open.")
    if not isinstance(closes, datetime.datetime):
        errors["closes"] = _("Please say when applications close.")
    elif isinstance(opens, datetime.datetime) and closes <= opens:
        errors["closes"] = _("Applications must close after they open.")
    cleaned["opens"], cleaned["closes"] = opens, closes
    for name in ("budget", "max_grant"):
        value = data.get(name)
        cleaned[name] = None if value in (None, "") else _amount(value, name, errors)
    if cleaned.get("budget") and cleaned.get("max_grant") and cleaned["max_grant"] > cleaned["budget"]:
        errors["max_grant"] = _("The maximum grant cannot be more than the call's budget.")
    months = data.get("max_months")
    if months not in (None, "") and (not isinstance(months, int) or not 1 <= months <= 120):
        errors["max_months"] = _("Please enter a number of months between 1 and 120.")
    cleaned["max_months"] = months or None
    for name in ("allows_organisations", "allows_groups", "allows_individuals"):
        cleaned[name] = bool(data.get(name))
    if not any(cleaned[name] for name in ("allows_organisations", "allows_groups", "allows_individuals")):
        errors["allows_organisations"] = _("Please say who may apply.")
    low, high = data.get("scale_min", 0), data.get("scale_max", 10)
    if not isinstance(low, int) or not isinstance(high, int) or not 0 <= low < high <= SCALE_MAX:
        errors["scale_max"] = _("The highest score must be above the lowest, and at most %(max)d.") % {"max": SCALE_MAX}
    cleaned["scale_min"], cleaned["scale_max"] = low, high
    support_opens, support_closes = data.get("support_opens"), data.get("support_closes")
    if (support_opens is None) != (support_closes is None):
        errors["support_closes" if support_opens else "support_opens"] = _(
            "Please give both dates of the public support phase, or neither."
        )
    elif support_opens is not None:
        if support_closes <= support_opens:
            errors["support_closes"] = _("The support phase must close after it opens.")
        elif isinstance(opens, datetime.datetime) and support_opens < opens:
            errors["support_opens"] = _("The support phase cannot open before applications open.")
    cleaned["support_opens"], cleaned["support_closes"] = support_opens, support_closes
    return cleaned


@transaction.atomic
def call_create(*, user, process, fund: Fund, **data) -> Call:
    """A new (unpublished) call of the process, paid from ``fund`` (of the process's city), with the fund's default
    funding tiers and criteria copied to it."""
    _require(user, "competitions.add_call", process)
    errors: dict = {}
    if fund.city_id != process.city_id:
        errors["fund"] = _("Please choose a fund of the process's city.")
    cleaned = _clean_call(data, errors)
    _raise(errors)
    call = Call.objects.create(process=process, fund=fund, **cleaned)
    for tier in FundingTier.objects.filter(fund=fund, call__isnull=True):
        FundingTier.objects.create(
            fund=fund, call=call, up_to=tier.up_to, kind=tier.kind, min_own_share=tier.min_own_share
        )
    for criterion in Criterion.objects.filter(fund=fund, call__isnull=True).order_by("position", "pk"):
        Criterion.objects.create(
            fund=fund,
            call=call,
            position=criterion.position,
            name=criterion.name,
            description=criterion.description,
            weight=criterion.weight,
        )
    audit_record(
        actor=user,
        action="call.created",
        obj=call,
        data={
            "process": process.pk,
            "fund": fund.pk,
            "title": call.title,
            "tiers": call.tiers.count(),
            "criteria": call.criteria.count(),
        },
    )
    calls_changed(process.pk)
    return call


def _call_for_update(call: Call) -> Call:
    return Call.objects.select_for_update().select_related("process").get(pk=call.pk)


@transaction.atomic
def call_update(*, user, call: Call, **data) -> Call:
    """Change a call's texts, period, limits, who may apply and scale. Once the published call has opened its rules
    stay as published: only the texts and the closing date may change (not earlier than now)."""
    _require(user, "competitions.change_call", call)
    call = _call_for_update(call)
    errors: dict = {}
    cleaned = _clean_call(data, errors)
    _raise(errors)
    if call_config_locked(call):
        changed = [name for name in CONFIG_FIELDS if getattr(call, name) != cleaned[name]]
        if changed:
            raise Conflict(
                _(
                    "The call is published and open: its rules stay as published. Only its texts and its closing"
                    " date can change."
                )
            )
        if cleaned["closes"] != call.closes and cleaned["closes"] < timezone.now():
            _refuse("closes", _("A call that has opened cannot be closed in the past."))
    before = {name: str(getattr(call, name)) for name in CALL_FIELDS}
    for name, value in cleaned.items():
        setattr(call, name, value)
    call.save()
    audit_record(
        actor=user,
        action="call.changed",
        obj=call,
        data={name: str(getattr(call, name)) for name in CALL_FIELDS if before[name] != str(getattr(call, name))},
    )
    calls_changed(call.process_id)
    return call


@transaction.atomic
def call_publish(*, user, call: Call) -> Call:
    """Make the call public. It needs a budget, at least one criterion and at least one funding tier."""
    _require(user, "competitions.change_call", call)
    call = _call_for_update(call)
    if call.is_published:
        raise Conflict(_("The call is published already."))
    missing = []
    if call.budget is None:
        missing.append(_("a budget"))
    if not call.criteria.exists():
        missing.append(_("at least one criterion"))
    if not call.tiers.exists():
        missing.append(_("at least one funding tier"))
    if missing:
        raise ApplicationError(_("Before it is published the call needs %(what)s.") % {"what": ", ".join(missing)})
    call.is_published = True
    call.save(update_fields=["is_published", "updated_at"])
    audit_record(actor=user, action="call.published", obj=call, data={})
    calls_changed(call.process_id)
    return call


def _require_config_open(call: Call) -> None:
    if call_config_locked(call):
        raise Conflict(_("The call is published and open: its tiers and criteria stay as published."))


def _tier_values(*, up_to, kind, min_own_share, errors: dict) -> dict:
    if kind not in TierKind.values:
        errors["kind"] = _("Please choose how this tier is funded.")
    if up_to in (None, ""):
        up_to = None
    else:
        up_to = _amount(up_to, "up_to", errors)
    try:
        share = Decimal(str(min_own_share or 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        share = None
    if share is None or not share.is_finite() or not 0 <= share <= 100:
        errors["min_own_share"] = _("Please enter a percentage between 0 and 100.")
    elif kind == TierKind.OWN_CONTRIBUTION and share == 0:
        errors["min_own_share"] = _("A tier with own contribution needs a minimum share above 0 %.")
    return {"up_to": up_to, "kind": kind, "min_own_share": share}


def _check_tiers_unique(owner_tiers, up_to, errors: dict) -> None:
    if any(tier.up_to == up_to for tier in owner_tiers):
        if up_to is None:
            errors["up_to"] = _("There is a tier without an upper limit already.")
        else:
            errors["up_to"] = _("There is a tier up to this amount already.")


@transaction.atomic
def tier_add(*, user, call: Call | None = None, fund: Fund | None = None, up_to, kind, min_own_share=0) -> FundingTier:
    """A funding tier of a call (until the published call opens) or, with ``fund`` alone, one of the fund's
    defaults for new calls."""
    if call is not None:
        _require(user, "competitions.change_call", call)
        call = _call_for_update(call)
        _require_config_open(call)
        fund = call.fund
        existing = list(call.tiers.all())
    else:
        _require(user, "competitions.keep_ledger", fund)
        existing = list(FundingTier.objects.filter(fund=fund, call__isnull=True))
    errors: dict = {}
    values = _tier_values(up_to=up_to, kind=kind, min_own_share=min_own_share, errors=errors)
    if "up_to" not in errors:
        _check_tiers_unique(existing, values["up_to"], errors)
    _raise(errors)
    tier = FundingTier.objects.create(fund=fund, call=call, **values)
    audit_record(
        actor=user,
        action="funding_tier.added",
        obj=tier,
        data={
            "call": call.pk if call else None,
            "fund": fund.pk,
            "up_to": str(tier.up_to),
            "kind": tier.kind,
            "min_own_share": str(tier.min_own_share),
        },
    )
    if call is not None:
        calls_changed(call.process_id)
    return tier


@transaction.atomic
def tier_remove(*, user, tier: FundingTier) -> None:
    call = tier.call
    if call is not None:
        _require(user, "competitions.change_call", call)
        _require_config_open(_call_for_update(call))
    else:
        _require(user, "competitions.keep_ledger", tier.fund)
    audit_record(
        actor=user,
        action="funding_tier.removed",
        obj=tier,
        data={"call": tier.call_id, "up_to": str(tier.up_to), "kind": tier.kind},
    )
    tier.delete()
    if call is not None:
        calls_changed(call.process_id)


def _criterion_values(*, name, description, weight, errors: dict) -> dict:
    name = clean_plain_text(name or "")
    description = (description or "").strip()
    if not name:
        errors["name"] = _("Please name the criterion.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Please shorten this text to at most %(max)d characters.") % {"max": NAME_MAX}
    if len(description) > 2000:
        errors["description"] = _("Please shorten this text to at most %(max)d characters.") % {"max": 2000}
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        errors["weight"] = _("Please enter a weight between 1 and 100.")
    return {"name": name, "description": description, "weight": weight}


@transaction.atomic
def criterion_add(
    *, user, call: Call | None = None, fund: Fund | None = None, name, description="", weight=1
) -> Criterion:
    """A criterion of a call (until the published call opens) or, with ``fund`` alone, a default of the fund."""
    if call is not None:
        _require(user, "competitions.change_call", call)
        call = _call_for_update(call)
        _require_config_open(call)
        fund = call.fund
        siblings = call.criteria.all()
    else:
        _require(user, "competitions.keep_ledger", fund)
        siblings = Criterion.objects.filter(fund=fund, call__isnull=True)
    errors: dict = {}
    values = _criterion_values(name=name, description=description, weight=weight, errors=errors)
    _raise(errors)
    position = (max((c.position for c in siblings), default=0)) + 1
    criterion = Criterion.objects.create(fund=fund, call=call, position=position, **values)
    audit_record(
        actor=user,
        action="criterion.added",
        obj=criterion,
        data={"call": call.pk if call else None, "fund": fund.pk, **values},
    )
    if call is not None:
        calls_changed(call.process_id)
    return criterion


@transaction.atomic
def criterion_update(*, user, criterion: Criterion, name, description="", weight=1) -> Criterion:
    call = criterion.call
    _require(user, "competitions.change_call", call)
    _require_config_open(_call_for_update(call))
    errors: dict = {}
    values = _criterion_values(name=name, description=description, weight=weight, errors=errors)
    _raise(errors)
    for key, value in values.items():
        setattr(criterion, key, value)
    criterion.save()
    audit_record(actor=user, action="criterion.changed", obj=criterion, data={"call": call.pk, **values})
    calls_changed(call.process_id)
    return criterion


@transaction.atomic
def criterion_remove(*, user, criterion: Criterion) -> None:
    """Remove a criterion of a call (until the published call opens) or one of the fund's defaults."""
    call = criterion.call
    if call is None:
        _require(user, "competitions.keep_ledger", criterion.fund)
    else:
        _require(user, "competitions.change_call", call)
        _require_config_open(_call_for_update(call))
    audit_record(
        actor=user,
        action="criterion.removed",
        obj=criterion,
        data={"call": call.pk if call else None, "fund": criterion.fund_id, "name": criterion.name},
    )
    criterion.delete()
    if call is not None:
        calls_changed(call.process_id)


@transaction.atomic
def call_translations_set(*, user, call: Call, obj, language: str, texts: dict) -> None:
    """Translations of a call's texts or of one of its criteria into one language (``texts``: field → text), all
    or nothing, each audited; a translation is kept as checked (written by staff)."""
    _require(user, "competitions.change_call", call)
    if not (obj == call or (isinstance(obj, Criterion) and obj.call_id == call.pk)):
        raise NotAllowed()
    if language not in dict(settings.LANGUAGES) or language == settings.LANGUAGE_CODE:
        raise ApplicationError(
            _("Please choose a language from the list."),
            field_errors={"language": _("Please choose a language from the list.")},
        )
    if not texts:
        raise ApplicationError(_("Please write at least one translation."))
    errors = {}
    for field, text in texts.items():
        if field not in obj.translatable_fields:
            raise ApplicationError(_("This text cannot be translated."))
        limit = obj._meta.get_field(field).max_length or TEXT_MAX
        text = (text or "").strip()
        if len(text) > limit:
            errors[field] = _("Please shorten this text to at most %(max)d characters.") % {"max": limit}
            continue
        if text:
            content_translation_set(obj=obj, field=field, language=language, text=text, state="checked", actor=user)
    _raise(errors)
    calls_changed(call.process_id)


# --- applications ----------------------------------------------------------------------------------------------

FILE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_SNIFF_BYTES = 8192
FILES_PER_APPLICATION = 10
LINES_MAX = 30


def file_max_bytes() -> int:
    return getattr(settings, "TEILHABE_APPLICATION_FILE_MAX_BYTES", 10 * 1024 * 1024)


def _upload_checked(upload, field: str = "file") -> tuple[str, str, int, str]:
    """(content type, extension, size, SHA-256) of an upload: only PDF, JPEG or PNG, sniffed from the content
    (``filetype``), never from the name or the browser, within the size limit."""
    limit = file_max_bytes()
    if upload is None:
        _refuse(field, _("Please choose a file."))
    if upload.size is None or upload.size > limit:
        _refuse(field, _("The file is too large: at most %(size)s are allowed.") % {"size": filesizeformat(limit)})
    if upload.size == 0:
        _refuse(field, _("The file is empty."))
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in FILE_TYPES:
        _refuse(field, _("Only PDF documents and JPEG or PNG images can be attached."))
    digest, size = hashlib.sha256(head), len(head)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
        if size > limit:
            _refuse(field, _("The file is too large: at most %(size)s are allowed.") % {"size": filesizeformat(limit)})
    upload.seek(0)
    return mime, FILE_TYPES[mime], size, digest.hexdigest()


def _store_file(*, user, application: Application, upload, title: str, is_scan: bool) -> ApplicationFile:
    mime, extension, size, sha256 = _upload_checked(upload, "scan" if is_scan else "file")
    stored = ApplicationFile(
        application=application,
        is_scan=is_scan,
        title=title,
        content_type=mime,
        size=size,
        sha256=sha256,
        uploaded_by=user,
    )
    stored.file.save(f"{secrets.token_hex(16)}.{extension}", File(upload), save=False)
    name = stored.file.name
    try:
        stored.save()
        audit_record(
            actor=user,
            action="application_file.added",
            obj=stored,
            data={"application": application.pk, "scan": is_scan, "type": mime, "size": size, "sha256": sha256},
        )
    except Exception:
        stored.file.storage.delete(name)  # nothing half-saved: no file without its row
        raise
    return stored


def _application_for_update(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("call", "call__process").get(pk=application.pk)


def _clean_application(data: dict, call: Call, errors: dict) -> dict:
    """The texts, dates, figures and choices of an application, checked for form (not yet for completeness)."""
    cleaned = {}
    for name, limit in (("title", TITLE_MAX), ("group_name", NAME_MAX), ("contact_name", NAME_MAX)):
        if name in data:
            value = clean_plain_text(data.get(name) or "")
            if len(value) > limit:
                errors[name] = _("Please shorten this text to at most %(max)d characters.") % {"max": limit}
            cleaned[name] = value
    for name in ("description", "timeline"):
        if name in data:
            value = (data.get(name) or "").strip().replace("\x00", "")
            if len(value) > DESCRIPTION_MAX:
                errors[name] = _("Please shorten this text to at most %(max)d characters.") % {"max": DESCRIPTION_MAX}
            cleaned[name] = value
    for name in ("starts_on", "ends_on"):
        if name in data:
            value = data.get(name)
            if value is not None and not isinstance(value, datetime.date):
                errors[name] = _("Please enter a date.")
                value = None
            cleaned[name] = value
    if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
        errors["ends_on"] = _("The project cannot end before it starts.")
    for name in ("requested", "own_contribution", "other_funding"):
        if name in data:
            value = data.get(name)
            cleaned[name] = None if value in (None, "") else _amount(value, name, errors, allow_zero=True)
    process = call.process
    for name, model_set in (
        ("target_groups", process.target_groups.all()),
        ("districts", process.city.districts.all()),
        ("fields_of_action", process.fields_of_action.all()),
    ):
        if name in data:
            allowed = {item.pk: item for item in model_set}
            chosen = [allowed.get(getattr(item, "pk", item)) for item in data.get(name) or []]
            if any(item is None for item in chosen):
                errors[name] = _("Please choose from the list.")
            cleaned[name] = [item for item in chosen if item is not None]
    if "lines" in data:
        lines = []
        for position, (item, amount) in enumerate(data.get("lines") or [], start=1):
            item = clean_plain_text(item or "")
            if not item and amount in (None, ""):
                continue
            if not item:
                errors["lines"] = _("Line %(number)d: please say what the money is for.") % {"number": position}
            elif len(item) > LINE_MAX:
                errors["lines"] = _("Line %(number)d: please shorten the text.") % {"number": position}
            value = _amount(amount, "lines", errors) if amount not in (None, "") else None
            if value is None and "lines" not in errors:
                errors["lines"] = _("Line %(number)d: please give the cost.") % {"number": position}
            lines.append((item, value))
        if len(lines) > LINES_MAX:
            errors["lines"] = _("At most %(max)d budget lines, please.") % {"max": LINES_MAX}
        cleaned["lines"] = lines
    return cleaned


def _apply(application: Application, cleaned: dict) -> None:
    for name, value in cleaned.items():
        if name not in {"target_groups", "districts", "fields_of_action", "lines"}:
            setattr(application, name, value)
    application.save()
    for name in ("target_groups", "districts", "fields_of_action"):
        if name in cleaned:
            getattr(application, name).set(cleaned[name])
    if "lines" in cleaned:
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(application=application, position=position, item=item, amount=amount)
            for position, (item, amount) in enumerate(cleaned["lines"], start=1)
        )


def _completeness(application: Application) -> dict:
    """What a submitted application must have and keep: texts, dates within the call's duration, a budget plan
    whose totals add up, an amount within the call's limits and its funding tier's rule."""
    call = application.call
    errors: dict = {}
    if not application.title:
        errors["title"] = _("Please give the project a title.")
    if not application.description:
        errors["description"] = _("Please describe the project.")
    if application.kind == ApplicantKind.GROUP and not application.group_name:
        errors["group_name"] = _("Please give the name of your group.")
    if not application.target_groups.exists():
        errors["target_groups"] = _("Please choose at least one target group.")
    if not application.districts.exists():
        errors["districts"] = _("Please choose at least one district.")
    if not application.fields_of_action.exists():
        errors["fields_of_action"] = _("Please choose at least one field of action.")
    if not application.starts_on or not application.ends_on:
        errors["starts_on"] = _("Please say when the project starts and ends.")
    elif call.max_months:
        months = (application.ends_on.year - application.starts_on.year) * 12 + (
            application.ends_on.month - application.starts_on.month
        )
        if application.ends_on.day >= application.starts_on.day:
            months += 1
        if months > call.max_months:
            errors["ends_on"] = _("The project runs %(months)d months; this call allows at most %(max)d.") % {
                "months": months,
                "max": call.max_months,
            }
    lines = list(application.budget_lines.all())
    total = sum((line.amount for line in lines), Decimal("0.00"))
    requested = application.requested
    own = application.own_contribution or Decimal("0.00")
    other = application.other_funding or Decimal("0.00")
    if not lines:
        errors["lines"] = _("Please list the costs in the budget plan.")
    if requested is None or requested <= 0:
        errors["requested"] = _("Please say how much you ask for.")
    if lines and requested is not None and requested > 0:
        financed = requested + own + other
        if financed != total:
            errors["lines"] = _(
                "The budget plan does not add up: the costs are %(total)s, but the amount asked for, the own"
                " contribution and other funding come to %(financed)s."
            ) % {"total": euro(total), "financed": euro(financed)}
        elif call.max_grant is not None and requested > call.max_grant:
            errors["requested"] = _("This call funds at most %(max)s per project.") % {"max": euro(call.max_grant)}
        elif call.budget is not None and requested > call.budget:
            errors["requested"] = _("This is more than the call's whole budget (%(budget)s).") % {
                "budget": euro(call.budget)
            }
        else:
            problem = tier_problem(call_tiers(call), requested=requested, total_costs=total, own_contribution=own)
            if problem:
                errors["own_contribution"] = problem
    return errors


@transaction.atomic
def application_create(
    *, user, call: Call, kind: str, organisation=None, title: str, language: str = ""
) -> Application:
    """Start a draft application to a call that takes applications, as the call allows the person to apply."""
    _require(user, "competitions.apply", call)
    errors: dict = {}
    if kind not in applicant_kinds_for(user, call):
        errors["kind"] = _("You cannot apply to this call this way.")
    if kind == ApplicantKind.ORGANISATION:
        if organisation is None or organisation.pk not in {o.pk for o in organisations_represented_by(user)}:
            errors["organisation"] = _("Please choose an organisation you represent (verified by the city).")
    else:
        organisation = None
    cleaned = _clean_application({"title": title}, call, errors)
    if not cleaned.get("title"):
        errors["title"] = _("Please give the project a title.")
    _raise(errors)
    application = Application.objects.create(
        call=call,
        applicant=user,
        kind=kind,
        organisation=organisation,
        title=cleaned["title"],
        contact_name=str(user),
        contact_email=user.email,
        language=supported_language(language or getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE),
    )
    audit_record(
        actor=user,
        action="application.created",
        obj=application,
        data={"call": call.pk, "kind": kind, "organisation": organisation.pk if organisation else None},
    )
    return application


@transaction.atomic
def application_update(*, user, application: Application, **data) -> Application:
    """Save a draft: anything may still be missing; what is given must be well-formed."""
    application = _application_for_update(application)
    _require(user, "competitions.change_application", application)
    errors: dict = {}
    cleaned = _clean_application(data, application.call, errors)
    _raise(errors)
    _apply(application, cleaned)
    audit_record(actor=user, action="application.saved", obj=application, data={"fields": sorted(cleaned)})
    return application


def _acknowledge(application: Application) -> None:
    """After commit: the acknowledgement in the applicant's language."""
    if not application.contact_email:
        return
    from django.urls import reverse

    url = settings.SITE_URL.rstrip("/") + reverse("competitions:application", kwargs={"pk": application.pk})
    with translation.override(supported_language(application.language)):
        call_title = localise(application.call, "title", translation.get_language()).text
        subject = _("Your application has been received: %(title)s") % {"title": application.title}
    send_localised_mail(
        to=[application.contact_email],
        language=application.language,
        subject=subject,
        template="competitions/email/application_received",
        context={"application": application, "call_title": call_title, "url": url},
    )


@transaction.atomic
def application_submit(*, user, application: Application) -> Application:
    """Submit a draft: the call must take applications now (the server's clock), the application must be complete
    and keep the call's rules; it is then locked and acknowledged by mail in the applicant's language."""
    application = _application_for_update(application)
    _require(user, "competitions.change_application", application)
    call = application.call
    if not rules.has_perm("competitions.apply", user, call):
        raise Conflict(_("This call does not take applications now."))
    errors = _completeness(application)
    if errors:
        raise ApplicationError(
            _("The application cannot be submitted yet: %(first)s") % {"first": next(iter(errors.values()))},
            field_errors=errors,
        )
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["state", "submitted_at", "updated_at"])
    audit_record(
        actor=user,
        action="application.submitted",
        obj=application,
        data={"call": call.pk, "requested": str(application.requested)},
    )
    transaction.on_commit(lambda: _acknowledge(application), robust=True)
    return application


@transaction.atomic
def application_withdraw(*, user, application: Application) -> Application:
    """The applicant withdraws a submitted application (until the decision)."""
    application = _application_for_update(application)
    _require(user, "competitions.withdraw_application", application)
    application.state = ApplicationState.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["state", "withdrawn_at", "updated_at"])
    audit_record(actor=user, action="application.withdrawn", obj=application, data={"call": application.call_id})
    calls_changed(application.call.process_id)  # the public support phase lists it no longer
    return application


@transaction.atomic
def application_file_add(*, user, application: Application, upload, title: str) -> ApplicationFile:
    """Attach a private file to a draft (PDF, JPEG or PNG, sniffed; size-limited; at most ten)."""
    application = _application_for_update(application)
    _require(user, "competitions.change_application", application)
    title = clean_plain_text(title or "") or _("Attachment")
    if len(title) > TITLE_MAX:
        _refuse("title", _("Please shorten this text to at most %(max)d characters.") % {"max": TITLE_MAX})
    if application.files.count() >= FILES_PER_APPLICATION:
        _refuse("file", _("At most %(max)d files per application.") % {"max": FILES_PER_APPLICATION})
    return _store_file(user=user, application=application, upload=upload, title=title, is_scan=False)


@transaction.atomic
def application_file_remove(*, user, stored: ApplicationFile) -> None:
    application = _application_for_update(stored.application)
    _require(user, "competitions.change_application", application)
    audit_record(actor=user, action="application_file.removed", obj=stored, data={"application": application.pk})
    name = stored.file.name
    storage = stored.file.storage
    stored.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def application_enter_paper(
    *,
    user,
    call: Call,
    channel: str,
    received_on: datetime.date,
    scan,
    kind: str,
    contact_name: str,
    contact_email: str = "",
    language: str = "",
    organisation=None,
    **data,
) -> Application:
    """A coordinator enters an application that came on paper (by letter, by e-mail…), with the scan of the
    original: it is checked like an online one and recorded as submitted on the day it was received, which must lie
    within the application period."""
    _require(user, "competitions.enter_paper_application", call)
    errors: dict = {}
    if channel not in ApplicationChannel.values or channel == ApplicationChannel.ONLINE:
        errors["channel"] = _("Please say how the application came.")
    if not isinstance(received_on, datetime.date):
        errors["received_on"] = _("Please give the day the application was received.")
    elif not call.opens.date() <= received_on <= timezone.localtime(call.closes).date():
        errors["received_on"] = _("The application was received outside the application period.")
    if kind not in ApplicantKind.values:
        errors["kind"] = _("Please say who applies.")
    contact_name = clean_plain_text(contact_name or "")
    if not contact_name:
        errors["contact_name"] = _("Please give the contact person's name.")
    cleaned = _clean_application({**data, "contact_name": contact_name}, call, errors)
    _raise(errors)
    application = Application.objects.create(
        call=call,
        applicant=None,
        kind=kind,
        organisation=organisation if kind == ApplicantKind.ORGANISATION else None,
        contact_email=(contact_email or "").strip(),
        language=supported_language(language),
        channel=channel,
        entered_by=user,
        title=cleaned.get("title") or "",
    )
    _apply(application, cleaned)
    problems = _completeness(application)
    if problems:
        raise ApplicationError(
            _("The application is not complete: %(first)s") % {"first": next(iter(problems.values()))},
            field_errors=problems,
        )
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(12)))
    application.save(update_fields=["state", "submitted_at"])
    _store_file(user=user, application=application, upload=scan, title=_("Scan of the original"), is_scan=True)
    audit_record(
        actor=user,
        action="application.entered",
        obj=application,
        data={"call": call.pk, "channel": channel, "received_on": received_on.isoformat()},
    )
    transaction.on_commit(lambda: _acknowledge(application), robust=True)
    return application


# --- eligibility -------------------------------------------------------------------------------------------------


def _tell_eligibility(application: Application, eligibility: Eligibility) -> None:
    """After commit: the outcome in the applicant's language (the reason as staff wrote it)."""
    address = application.contact_email or (application.applicant.email if application.applicant_id else "")
    if not address:
        return
    from django.urls import reverse

    url = settings.SITE_URL.rstrip("/") + reverse("competitions:application", kwargs={"pk": application.pk})
    with translation.override(supported_language(application.language)):
        subject = _("The check of your application: %(title)s") % {"title": application.title}
    send_localised_mail(
        to=[address],
        language=application.language,
        subject=subject,
        template="competitions/email/eligibility",
        context={"application": application, "eligibility": eligibility, "url": url},
    )


@transaction.atomic
def eligibility_record(
    *, user, application: Application, checklist: dict, is_eligible: bool, reason: str = ""
) -> Eligibility:
    """Record the check of a submitted application: each checklist item ticked or not, the outcome and the
    reason. Eligible only with every item ticked; not eligible only with a reason. A new check replaces the last
    (both audited); the applicant is told by mail in their language."""
    application = _application_for_update(application)
    _require(user, "competitions.check_eligibility", application)
    errors: dict = {}
    unknown = set(checklist) - set(EligibilityItem.values)
    if unknown:
        errors["checklist"] = _("Please tick items of the checklist only.")
    ticks = {item: bool(checklist.get(item)) for item in EligibilityItem.values}
    reason = (reason or "").strip().replace("\x00", "")
    if len(reason) > REASON_MAX * 4:
        errors["reason"] = _("Please shorten this text to at most %(max)d characters.") % {"max": REASON_MAX * 4}
    if is_eligible and not all(ticks.values()):
        errors["is_eligible"] = _("An application is eligible only when every item of the checklist is met.")
    if not is_eligible and not reason:
        errors["reason"] = _("Please give the reason: the applicant is told it.")
    _raise(errors)
    previous = Eligibility.objects.filter(application=application).first()
    eligibility, _created = Eligibility.objects.update_or_create(
        application=application,
        defaults={
            "is_eligible": bool(is_eligible),
            "checklist": ticks,
            "reason": reason,
            "checked_by": user,
            "checked_at": timezone.now(),
        },
    )
    audit_record(
        actor=user,
        action="application.eligibility_checked",
        obj=application,
        data={
            "eligible": bool(is_eligible),
            "checklist": ticks,
            "reason": reason,
            "previous": None if previous is None else previous.is_eligible,
        },
    )
    transaction.on_commit(lambda: _tell_eligibility(application, eligibility), robust=True)
    calls_changed(application.call.process_id)  # the public support phase lists eligible applications only
    return eligibility


# --- the jury ----------------------------------------------------------------------------------------------------

NOTE_MAX = REASON_MAX
COMMENT_MAX = REASON_MAX * 2


def _call_for_jury(call: Call) -> Call:
    return Call.objects.select_for_update().select_related("process").get(pk=call.pk)


def _seat_data(seat: JuryMembership) -> dict:
    return {"call": seat.call_id, "seat": seat.pk, "person": seat.user_id, "is_chair": seat.is_chair}


def _seat_for_update(seat: JuryMembership) -> tuple[Call, JuryMembership]:
    """The call locked (jury changes, declarations and closing are ordered), then the seat as it is now."""
    call = _call_for_jury(seat.call)
    seat = JuryMembership.objects.select_related("user").filter(pk=seat.pk, call=call).first()
    if seat is None:
        raise Conflict(_("This person is no longer on the jury."))
    return call, seat


@transaction.atomic
def jury_member_add(*, user, call: Call, person, is_chair: bool = False) -> JuryMembership:
    """A coordinator seats a person with an account on a call's jury, until scoring closes. The first juror is
    the chair; with ``is_chair`` the new juror takes the chair over (there is always exactly one chair)."""
    call = _call_for_jury(call)
    _require(user, "competitions.manage_jury", call)
    if person is None or not getattr(person, "is_active", False):
        _refuse("email", _("There is no account with this e-mail address. Ask the person to register."))
    if JuryMembership.objects.filter(call=call, user=person).exists():
        message = _("This person is already on the jury.")
        raise Conflict(message, field_errors={"email": message})
    first = not JuryMembership.objects.filter(call=call).exists()
    if is_chair and not first:
        JuryMembership.objects.filter(call=call, is_chair=True).update(is_chair=False)
    seat = JuryMembership.objects.create(call=call, user=person, is_chair=bool(is_chair) or first)
    audit_record(actor=user, action="jury.member_added", obj=seat, data=_seat_data(seat))
    return seat


@transaction.atomic
def jury_chair_set(*, user, seat: JuryMembership) -> JuryMembership:
    """A coordinator makes a juror the chair; the former chair stays on the jury as a juror."""
    call, seat = _seat_for_update(seat)
    _require(user, "competitions.manage_jury", call)
    chairs = JuryMembership.objects.filter(call=call, is_chair=True).exclude(pk=seat.pk)
    former = list(chairs.values_list("pk", flat=True))
    JuryMembership.objects.filter(pk__in=former).update(is_chair=False)
    seat.is_chair = True
    seat.save(update_fields=["is_chair"])
    audit_record(actor=user, action="jury.chair_set", obj=seat, data={**_seat_data(seat), "former_chair": former})
    return seat


@transaction.atomic
def jury_member_remove(*, user, seat: JuryMembership) -> None:
    """A coordinator removes a juror, until scoring closes. Refused (409) for a juror who has declared on or scored
    any application: their declarations and scores stay with their seat, so that the jury's record stays whole
    (the removal would silently take scores out of the means). Refused for the chair while others sit on the
    jury: another juror becomes the chair first."""
    call, seat = _seat_for_update(seat)
    _require(user, "competitions.manage_jury", call)
    name = seat.user.display_name or seat.user.email
    if ConflictDeclaration.objects.filter(seat=seat).exists() or Score.objects.filter(seat=seat).exists():
        raise Conflict(
            _(
                "%(name)s cannot be removed: they have already declared on or scored applications of this call, and"
                " their declarations and scores stay part of the jury's record."
            )
            % {"name": name}
        )
    if seat.is_chair and JuryMembership.objects.filter(call=call).exclude(pk=seat.pk).exists():
        raise Conflict(_("%(name)s chairs the jury: make another juror the chair first.") % {"name": name})
    data = _seat_data(seat)
    seat.delete()
    audit_record(actor=user, action="jury.member_removed", obj=call, data=data)


@transaction.atomic
def conflict_declare(*, user, application: Application, has_conflict: bool, note: str = "") -> ConflictDeclaration:
    """A juror declares, once, whether they have a conflict of interest with an application; with a conflict they
    are recused from it (recorded in the audit log)."""
    _call_for_jury(application.call)  # declarations and closing are ordered
    application = Application.objects.select_related("call").get(pk=application.pk)
    _require(user, "competitions.declare_conflict", application)
    note = clean_plain_text(note or "")
    if len(note) > NOTE_MAX:
        _refuse("note", _("Please shorten this text to at most %(max)d characters.") % {"max": NOTE_MAX})
    seat = seat_of(user, application.call)
    declaration = ConflictDeclaration.objects.create(
        application=application, seat=seat, has_conflict=bool(has_conflict), note=note
    )
    audit_record(
        actor=user,
        action="jury.recused" if has_conflict else "jury.no_conflict_declared",
        obj=declaration,
        data={"application": application.pk, "call": application.call_id, "seat": seat.pk, "note": note},
    )
    return declaration


@transaction.atomic
def scores_record(*, user, application: Application, scores: dict) -> list[Score]:
    """A juror's scores of every criterion of an application (``scores``: criterion id → (value, comment)), on the
    call's scale, all or nothing; they replace the juror's earlier scores of it until the chair closes scoring."""
    call = _call_for_jury(application.call)
    application = Application.objects.select_related("call").get(pk=application.pk)
    _require(user, "competitions.score_application", application)
    seat = seat_of(user, call)
    criteria = {criterion.pk: criterion for criterion in call_criteria(call)}
    errors: dict = {}
    cleaned = {}
    for pk, criterion in criteria.items():
        value, comment = scores.get(pk, (None, ""))
        field = f"score_{pk}"
        if not isinstance(value, int) or not call.scale_min <= value <= call.scale_max:
            errors[field] = _("Please score “%(criterion)s” from %(low)d to %(high)d.") % {
                "criterion": criterion.name,
                "low": call.scale_min,
                "high": call.scale_max,
            }
            continue
        comment = (comment or "").strip().replace("\x00", "")
        if len(comment) > COMMENT_MAX:
            errors[f"comment_{pk}"] = _("Please shorten this text to at most %(max)d characters.") % {
                "max": COMMENT_MAX
            }
        cleaned[pk] = (value, comment)
    if set(scores) - set(criteria):
        errors["scores"] = _("Please score the criteria of this call only.")
    _raise(errors)
    Score.objects.filter(application=application, seat=seat).delete()
    now = timezone.now()
    saved = Score.objects.bulk_create(
        Score(application=application, seat=seat, criterion_id=pk, value=value, comment=comment, scored_at=now)
        for pk, (value, comment) in cleaned.items()
    )
    audit_record(
        actor=user,
        action="jury.scored",
        obj=application,
        data={
            "seat": seat.pk,
            "scores": {str(pk): value for pk, (value, _comment) in cleaned.items()},
            "comments": {str(pk): comment for pk, (_value, comment) in cleaned.items() if comment},
        },
    )
    return saved


@transaction.atomic
def scoring_close(*, user, call: Call) -> Call:
    """The chair closes scoring: from now on no score changes, and the jurors (not for applications they are
    recused from) and the coordinators see all scores, the weighted means, the spread and the ranking."""
    call = _call_for_jury(call)
    _require(user, "competitions.close_scoring", call)
    call.scoring_closed_at = timezone.now()
    call.save(update_fields=["scoring_closed_at", "updated_at"])
    audit_record(
        actor=user,
        action="jury.scoring_closed",
        obj=call,
        data={
            "applications": jury_applications(call).count(),
            "scores": Score.objects.filter(application__call=call).count(),
            "recusals": ConflictDeclaration.objects.filter(application__call=call, has_conflict=True).count(),
        },
    )
    return call


@transaction.atomic
def recommendation_set(*, user, call: Call, amounts: dict) -> list[Recommendation]:
    """The jury's recommended set (``amounts``: application id → amount), replacing the previous one, recorded by
    the chair after closing. Each amount at most what was asked for and the call's maximum grant; the set never
    over the call's budget."""
    call = _call_for_jury(call)
    _require(user, "competitions.recommend", call)
    eligible = {application.pk: application for application in jury_applications(call)}
    errors: dict = {}
    cleaned: dict[int, Decimal] = {}
    for application_id, amount in amounts.items():
        application = eligible.get(application_id)
        field = f"amount_{application_id}"
        if application is None:
            errors["amounts"] = _("Only applications the jury scored can be recommended.")
            continue
        value = _amount(amount, field, errors)
        if value is None:
            continue
        if application.requested is not None and value > application.requested:
            errors[field] = _("%(reference)s: more than was asked for (%(requested)s).") % {
                "reference": application.reference,
                "requested": euro(application.requested),
            }
        elif call.max_grant is not None and value > call.max_grant:
            errors[field] = _("%(reference)s: more than the call's maximum grant (%(max)s).") % {
                "reference": application.reference,
                "max": euro(call.max_grant),
            }
        else:
            cleaned[application_id] = value
    _raise(errors)
    total = sum(cleaned.values(), Decimal("0.00"))
    budget = call.budget if call.budget is not None else Decimal("0.00")
    if total > budget:
        message = _(
            "The recommended projects come to %(total)s, %(over)s more than the call's budget of %(budget)s. Please"
            " recommend less."
        ) % {"total": euro(total), "over": euro(total - budget), "budget": euro(budget)}
        raise ApplicationError(message, field_errors={"amounts": message})
    Recommendation.objects.filter(application__call=call).delete()
    saved = Recommendation.objects.bulk_create(
        Recommendation(application_id=pk, amount=amount, recorded_by=user) for pk, amount in cleaned.items()
    )
    call.recommended_at = timezone.now()
    call.save(update_fields=["recommended_at", "updated_at"])
    audit_record(
        actor=user,
        action="jury.recommended",
        obj=call,
        data={"amounts": {str(pk): str(amount) for pk, amount in cleaned.items()}, "total": str(total)},
    )
    return saved


# --- the committee's decision and grants -------------------------------------------------------------------------

SESSION_MAX = 100


def _tell_decision(application: Application, decision: Decision) -> None:
    address = application.contact_email or (application.applicant.email if application.applicant_id else "")
    if not address:
        return
    from django.urls import reverse

    url = settings.SITE_URL.rstrip("/") + reverse("competitions:application", kwargs={"pk": application.pk})
    with translation.override(supported_language(application.language)):
        subject = _("The decision on your application: %(title)s") % {"title": application.title}
    send_localised_mail(
        to=[address],
        language=application.language,
        subject=subject,
        template="competitions/email/decision",
        context={"application": application, "decision": decision, "url": url},
    )


@transaction.atomic
def decision_record(
    *,
    user,
    application: Application,
    outcome: str,
    decided_on: datetime.date,
    session_reference: str,
    amount=None,
    override_reason: str = "",
) -> Decision:
    """Record the committee's decision on an application the jury scored (after closing). Approval (with the
    recommended amount, else the amount asked for) or approval with a changed amount makes a grant and books its
    commitment in the fund's ledger for the year of the decision — refused over the year's budget unless the
    coordinator overrides it with a reason. The applicant is told by mail in their language."""
    _call_for_jury(application.call)
    application = Application.objects.select_related("call", "call__fund", "call__process").get(pk=application.pk)
    _require(user, "competitions.decide", application)
    errors: dict = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = _("Please choose the committee's decision.")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = _("Please give the date of the decision.")
    session_reference = clean_plain_text(session_reference or "")
    if not session_reference:
        errors["session_reference"] = _("Please give the session or document reference.")
    elif len(session_reference) > SESSION_MAX:
        errors["session_reference"] = _("Please shorten this text to at most %(max)d characters.") % {
            "max": SESSION_MAX
        }
    granted = None
    if outcome == DecisionOutcome.CHANGED:
        granted = _amount(amount, "amount", errors)
    elif outcome == DecisionOutcome.APPROVED:
        recommendation = Recommendation.objects.filter(application=application).first()
        granted = recommendation.amount if recommendation else application.requested
    _raise(errors)
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        amount=granted,
        decided_on=decided_on,
        session_reference=session_reference,
        recorded_by=user,
    )
    audit_record(
        actor=user,
        action="committee.decided",
        obj=application,
        data={
            "outcome": outcome,
            "amount": str(granted) if granted is not None else None,
            "decided_on": decided_on.isoformat(),
            "session": session_reference,
        },
    )
    if granted is not None:
        grant = Grant.objects.create(application=application, amount=granted)
        audit_record(
            actor=user, action="grant.created", obj=grant, data={"application": application.pk, "amount": str(granted)}
        )
        try:
            ledger_entry_record(
                user=user,
                fund=application.call.fund,
                kind=EntryKind.COMMITMENT,
                amount=granted,
                year=decided_on.year,
                booked_on=decided_on,
                grant=grant,
                reason=_("Committee decision %(session)s: %(reference)s %(title)s")
                % {"session": session_reference, "reference": application.reference, "title": application.title},
                override_reason=override_reason,
            )
        except ApplicationError as error:
            message = error.message
            raise ApplicationError(message, field_errors={"amount": message}) from error
    transaction.on_commit(lambda: _tell_decision(application, decision), robust=True)
    return decision


@transaction.atomic
def grant_pay(*, user, grant: Grant, amount, booked_on: datetime.date, reason: str = "") -> LedgerEntry:
    """Pay a tranche of a grant: a payment in the ledger naming the grant, never more than the grant in total."""
    grant = Grant.objects.select_related("application__call__fund").get(pk=grant.pk)
    _require(user, "competitions.manage_grant", grant)
    application = grant.application
    return ledger_entry_record(
        user=user,
        fund=application.call.fund,
        kind=EntryKind.PAYMENT,
        amount=amount,
        year=Decision.objects.get(application=application).decided_on.year,
        booked_on=booked_on,
        grant=grant,
        reason=reason
        or _("Tranche: %(reference)s %(title)s") % {"reference": application.reference, "title": application.title},
    )


@transaction.atomic
def grant_consent_set(*, user, grant: Grant, consent: bool) -> Grant:
    """The grantee agrees (or no longer agrees) to the grant's public page."""
    grant = Grant.objects.select_for_update().select_related("application__call").get(pk=grant.pk)
    _require(user, "competitions.report_on_grant", grant)
    grant.public_consent = bool(consent)
    grant.save(update_fields=["public_consent"])
    audit_record(actor=user, action="grant.consent_set", obj=grant, data={"consent": grant.public_consent})
    calls_changed(grant.application.call.process_id)
    return grant


@transaction.atomic
def grant_report_submit(*, user, grant: Grant, kind: str, text: str, people_reached, uploads=()) -> GrantReport:
    """A progress or final report of the grantee: text, people reached, files (as an application's files)."""
    grant = Grant.objects.select_related("application").get(pk=grant.pk)
    _require(user, "competitions.report_on_grant", grant)
    errors: dict = {}
    if kind not in ReportKind.values:
        errors["kind"] = _("Please say what kind of report this is.")
    text = (text or "").strip().replace("\x00", "")
    if not text:
        errors["text"] = _("Please write the report.")
    elif len(text) > DESCRIPTION_MAX:
        errors["text"] = _("Please shorten this text to at most %(max)d characters.") % {"max": DESCRIPTION_MAX}
    if not isinstance(people_reached, int) or not 0 <= people_reached <= 10_000_000:
        errors["people_reached"] = _("Please give the number of people reached.")
    if kind == ReportKind.FINAL and grant.reports.filter(kind=ReportKind.FINAL).exists():
        errors["kind"] = _("The final report has been submitted already.")
    _raise(errors)
    report = GrantReport.objects.create(
        grant=grant, kind=kind, text=text, people_reached=people_reached, submitted_by=user
    )
    audit_record(
        actor=user,
        action="grant.reported",
        obj=report,
        data={"grant": grant.pk, "kind": kind, "people": people_reached},
    )
    for upload in uploads or ():
        stored = _store_file(user=user, application=grant.application, upload=upload, title=_("Report"), is_scan=False)
        stored.report = report
        stored.save(update_fields=["report"])
    calls_changed(grant.application.call.process_id)
    return report


# --- the public support phase ------------------------------------------------------------------------------------

TALLY_COUNT_MAX = 100_000  # more than one list or box holds: a typing error


@transaction.atomic
def application_summary_consent_set(*, user, application: Application, consent: bool) -> Application:
    """The applicant agrees (or no longer agrees) that a public summary of their application (title, who runs it,
    when, where, for whom, the description) is shown in the call's public support phase once it is found eligible.
    Without consent it is neither shown nor supported there; supports already given stay for the jury."""
    application = _application_for_update(application)
    _require(user, "competitions.set_summary_consent", application)
    application.summary_consent = bool(consent)
    application.save(update_fields=["summary_consent", "updated_at"])
    audit_record(actor=user, action="application.summary_consent_set", obj=application, data={"consent": bool(consent)})
    calls_changed(application.call.process_id)
    return application


def application_support_add(*, user, application: Application) -> bool:
    """A signed-in person supports an application in the open support phase, once. False when they already do."""
    _require(user, "competitions.support_application", application)
    try:
        with transaction.atomic():
            support = ApplicationSupport.objects.create(application=application, user=user)
            audit_record(actor=user, action="application.supported", obj=application, data={"support": support.pk})
    except IntegrityError:
        return False
    return True


@transaction.atomic
def application_support_withdraw(*, user, application: Application) -> bool:
    """A person withdraws their support while the phase is open. False when there was none."""
    _require(user, "competitions.support_application", application)
    deleted, _unused = ApplicationSupport.objects.filter(application=application, user=user).delete()
    if deleted:
        audit_record(actor=user, action="application.support_withdrawn", obj=application)
    return bool(deleted)


@transaction.atomic
def support_tally_enter(*, user, application: Application, count, channel: str, provenance: str):
    """A coordinator enters supports counted offline (dots at an event, a signature list, a ballot box): a count
    above 0, the channel and where it comes from (which event or list, when). From the phase's opening until
    scoring closes. Tallies are never changed or deleted; the provenance says what was counted."""
    application = Application.objects.select_related("call", "call__process").get(pk=application.pk)
    _require(user, "competitions.enter_support_tally", application)
    errors: dict = {}
    if isinstance(count, bool) or not isinstance(count, int):
        try:
            count = int(str(count).strip())
        except ValueError:
            count = None
    if count is None or not 0 < count <= TALLY_COUNT_MAX:
        errors["count"] = _("Please enter a whole number of supports from 1 to %(max)d.") % {"max": TALLY_COUNT_MAX}
    if channel not in SupportChannel.values:
        errors["channel"] = _("Please choose how the supports were collected.")
    provenance = clean_plain_text(provenance or "")
    if not provenance:
        errors["provenance"] = _("Please say where the count comes from (event or list, date).")
    elif len(provenance) > REASON_MAX:
        errors["provenance"] = _("Please shorten this text to at most %(max)d characters.") % {"max": REASON_MAX}
    _raise(errors)
    tally = ApplicationSupportTally.objects.create(
        application=application, count=count, channel=channel, provenance=provenance, entered_by=user
    )
    audit_record(
        actor=user,
        action="application.support_tally_entered",
        obj=application,
        data={"tally": tally.pk, "count": count, "channel": channel, "provenance": provenance},
    )
    return tally


@transaction.atomic
def support_tally_correct(*, user, tally: ApplicationSupportTally, count, reason: str) -> ApplicationSupportTally:
    """Correct an analog tally: a new tally with the right ``count`` (0 or more) and a ``reason`` replaces it in
    the total; the old one stays as it was. A tally is corrected once (409 after that: correct the correction).
    The same people and time as for entering; audited with both counts."""
    tally = ApplicationSupportTally.objects.select_for_update().select_related("application__call").get(pk=tally.pk)
    _require(user, "competitions.enter_support_tally", tally.application)
    if ApplicationSupportTally.objects.filter(corrects=tally).exists():
        raise Conflict(_("This count was already corrected; correct the correction instead."))
    errors: dict = {}
    if isinstance(count, bool) or not isinstance(count, int):
        try:
            count = int(str(count).strip())
        except ValueError:
            count = None
    if count is None or not 0 <= count <= TALLY_COUNT_MAX:
        errors["count"] = _("Please enter a whole number of supports from 0 to %(max)d.") % {"max": TALLY_COUNT_MAX}
    reason = clean_plain_text(reason or "")
    if not reason:
        errors["reason"] = _("Please say why the count is corrected.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("Please shorten this text to at most %(max)d characters.") % {"max": REASON_MAX}
    _raise(errors)
    correction = ApplicationSupportTally.objects.create(
        application=tally.application,
        count=count,
        channel=tally.channel,
        provenance=tally.provenance,
        entered_by=user,
        corrects=tally,
        reason=reason,
    )
    audit_record(
        actor=user,
        action="application.support_tally_corrected",
        obj=tally.application,
        data={"tally": correction.pk, "corrects": tally.pk, "from": tally.count, "to": count, "reason": reason},
    )
    return correction
