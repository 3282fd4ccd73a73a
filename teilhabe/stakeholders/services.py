"""Writes for the stakeholder registry: verifying organisations' representatives."""

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teilhabe.core.errors import Conflict, NotAllowed
from teilhabe.core.services import audit_record
from teilhabe.stakeholders.models import Representative


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
