import rules

from teilhabe.stakeholders.selectors import organisations_represented_by


@rules.predicate
def is_verified_representative(user):
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_represented_organisation_ids", None)
    if cached is None:
        cached = set(organisations_represented_by(user).values_list("id", flat=True))
        user._represented_organisation_ids = cached
    return bool(cached)
