"""Reads for processes: which process is shown, which phase is current."""

from django.db.models import Prefetch
from django.utils import timezone

from teilhabe.processes.models import Phase, Process, ProcessMembership, ProcessRole


def process_list_published():
    return Process.objects.filter(is_published=True).select_related("city").order_by("-created_at")


def process_get_published(*, slug: str) -> Process | None:
    return (
        Process.objects.filter(slug=slug, is_published=True)
        .select_related("city")
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("start")),
            "fields_of_action",
            "target_groups",
        )
        .first()
    )


def process_phases(process: Process) -> list[Phase]:
    """All phases in order; uses the prefetch when there is one, and remembers the answer."""
    cached = getattr(process, "_phases_cache", None)
    if cached is None:
        cached = sorted(process.phases.all(), key=lambda phase: phase.start)
        process._phases_cache = cached
    return cached


def phase_current(process: Process, *, at=None) -> Phase | None:
    at = at or timezone.now()
    for phase in process_phases(process):
        if phase.start <= at < phase.end:
            return phase
    return None


def phase_allows(process: Process, action: str, *, at=None) -> bool:
    """Whether the current phase allows ``action`` (contribute, comment, support)."""
    phase = phase_current(process, at=at)
    return bool(phase and getattr(phase, f"allows_{action}"))


def process_ids_coordinated_by(user) -> set[int]:
    """Ids of the processes a user coordinates; remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_coordinated_process_ids", None)
    if cached is None:
        cached = set(
            ProcessMembership.objects.filter(user=user, role=ProcessRole.COORDINATOR).values_list(
                "process_id", flat=True
            )
        )
        user._coordinated_process_ids = cached
    return cached
