from teilhabe.stakeholders.models import Organisation


def organisations_represented_by(user):
    """Organisations a user is a verified representative of."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(representatives__user=user, representatives__verified_at__isnull=False).order_by(
        "name"
    )
