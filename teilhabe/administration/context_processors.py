"""Template context of the staff workspace: whether the navigation offers it."""

from teilhabe.administration.selectors import has_workspace


def workspace(request):
    """``has_workspace`` for signed-in people, decided when the navigation first asks (and only then): the
    anonymous navigation is cached and never asks, and the answer reuses the memberships remembered on the user
    for the request's permission checks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    answer = []

    def decided() -> bool:
        if not answer:
            answer.append(has_workspace(user))
        return answer[0]

    return {"has_workspace": decided}
