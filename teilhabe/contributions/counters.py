"""The denormalised counters and the rows they count; ``manage.py check_counters`` compares the two.

Services keep each counter with F() updates in the transaction that adds or removes its rows; this module
states once what each counter counts, so that a check (and a repair) can prove it.
"""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from teilhabe.contributions.models import AnalogSupportTally, Comment, Contribution, Flag, Status, Support

# (model holding the counter, counter field, model of the counted rows, their foreign key, which rows count, and
# what the counter adds up of them)
COUNTERS = [
    (Contribution, "support_count", Support, "contribution", Q(), Count("pk")),
    # Only published comments count: comment_create and comment_moderate change the counter on publication.
    (Contribution, "comment_count", Comment, "contribution", Q(status=Status.PUBLISHED), Count("pk")),
    # Open reports of the contribution itself; reports of its comments count on the comment.
    (
        Contribution,
        "open_flag_count",
        Flag,
        "contribution",
        Q(comment__isnull=True, resolved_at__isnull=True),
        Count("pk"),
    ),
    (Comment, "open_flag_count", Flag, "comment", Q(resolved_at__isnull=True), Count("pk")),
    # Supports counted at events: every entry's change of the total (a correction adds its difference).
    (Contribution, "analog_support_count", AnalogSupportTally, "contribution", Q(), Sum("delta")),
]


@dataclass(frozen=True)
class CounterDifference:
    model: str
    pk: int
    field: str
    stored: int
    counted: int

    def __str__(self) -> str:
        return f"{self.model} {self.pk} {self.field}: stored {self.stored}, counted {self.counted}"


def counter_differences() -> list[CounterDifference]:
    """Every counter whose value differs from what its rows add up to (one query per counter)."""
    differences = []
    for model, field, rows, key, condition, aggregate in COUNTERS:
        counted = (
            rows.objects.filter(condition, **{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=aggregate)
            .values("n")
        )
        drifted = (
            model.objects.order_by("pk")
            .annotate(counted=Coalesce(Subquery(counted), 0))
            .exclude(**{field: F("counted")})
            .values_list("pk", field, "counted")
        )
        differences += [
            CounterDifference(model._meta.label_lower, pk, field, stored, actual) for pk, stored, actual in drifted
        ]
    return differences
