"""Events (Veranstaltungen) — workshops, district dialogues, information stands, world cafés, expert group and
district council sessions — with their registrations, attendance and minutes.

What people said at an event is not stored here: its results are contributions (``Contribution.event``), listed,
searched, supported, routed and counted like online input.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel

TITLE_MAX = 200
DESCRIPTION_MAX = 10000
MINUTES_MAX = 50000
NEEDS_TEXT_MAX = 1000


class EventType(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    DISTRICT_DIALOGUE = "district_dialogue", _("District dialogue")
    INFO_STAND = "info_stand", _("Information stand")
    WORLD_CAFE = "world_cafe", _("World café")
    EXPERT_GROUP = "expert_group", _("Expert group session")
    COUNCIL_SESSION = "council_session", _("District council session")
    OTHER = "other", _("Other event")


# The channel of a contribution that came out of an event of this type (contributions.models.Channel values).
CHANNEL_OF_TYPE = {
    EventType.WORKSHOP: "workshop",
    EventType.DISTRICT_DIALOGUE: "workshop",
    EventType.INFO_STAND: "info_stand",
    EventType.WORLD_CAFE: "workshop",
    EventType.EXPERT_GROUP: "expert_group",
    EventType.COUNCIL_SESSION: "district_council",
    EventType.OTHER: "other",
}


class EventState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting approval")
    DECLINED = "declined", _("Proposal declined")
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")


# States in which an event is public (calendar, feeds, its page).
PUBLIC_STATES = (EventState.PLANNED, EventState.CANCELLED, EventState.HELD)


class Event(TimeStampedModel):
    """One event of a process (Veranstaltung).

    State machine (every transition a service in ``events.services``, audited):
    proposed → planned (approved) | declined; planned → cancelled (with a reason) | held.
    Coordinators create events as planned; an organisation's verified representative or a district council
    member proposes one. ``sequence`` is the iCalendar SEQUENCE: raised whenever a published event changes.
    Exactly one organiser: a department, an organisation or a district council.
    """

    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, related_name="events", verbose_name=_("process")
    )
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    # Venue: a place with an address and optional coordinates (for a map link that loads nothing until clicked).
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    district = models.ForeignKey(
        "places.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("district"),
    )
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("neighbourhood"),
    )

    # Accessibility of the venue and of the event; interpretation languages are EventLanguage rows.
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    sign_language = models.BooleanField(_("sign language interpretation"), default=False)
    childcare = models.BooleanField(_("childcare"), default=False)
    accessibility_notes = models.TextField(_("notes on accessibility"), max_length=2000, blank=True)

    fields_of_action = models.ManyToManyField(
        "processes.FieldOfAction", blank=True, related_name="events", verbose_name=_("fields of action")
    )
    target_groups = models.ManyToManyField(
        "processes.TargetGroup", blank=True, related_name="events", verbose_name=_("target groups")
    )

    organiser_department = models.ForeignKey(
        "administration.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("organising department"),
    )
    organiser_organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("organising organisation"),
    )
    organiser_council = models.ForeignKey(
        "councils.DistrictSpace",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("organising district council"),
    )

    # Registration: ``capacity`` empty means no limit; without ``takes_registrations`` people just come.
    takes_registrations = models.BooleanField(_("registration"), default=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)

    state = models.CharField(_("state"), max_length=10, choices=EventState.choices, default=EventState.PLANNED)
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    # Raised when the time or place of a planned event changes; registrants told of an older one get a notice.
    time_place_version = models.PositiveIntegerField(_("time and place revision"), default=0)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=2000, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved or declined by"),
    )

    # After the event: the head count (never people), the minutes (public only when marked so).
    attendance_total = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), max_length=MINUTES_MAX, blank=True)
    minutes_public = models.BooleanField(_("minutes public"), default=False)
    # What is left of the registrations after the retention period: counts by state, nothing personal.
    registration_summary = models.JSONField(_("registrations (counts)"), default=dict, blank=True)

    translatable_fields = ("title", "description", "accessibility_notes", "cancel_reason")

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["process", "state", "starts_at", "id"], name="event_calendar"),
            models.Index(fields=["process", "state", "district", "starts_at"], name="event_calendar_district"),
            models.Index(fields=["process", "state", "type", "starts_at"], name="event_calendar_type"),
            # When the calendar next changes by itself (the earliest end to come), and the head counts of held
            # events (the process page's figures), each from the index alone.
            models.Index(fields=["process", "state", "ends_at"], name="event_next_end"),
            models.Index(fields=["process", "state", "attendance_total"], name="event_attendance"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="cancelled") | ~models.Q(cancel_reason=""), name="event_cancelled_has_reason"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="declined") | ~models.Q(decline_reason=""), name="event_declined_has_reason"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        organiser_department__isnull=False,
                        organiser_organisation__isnull=True,
                        organiser_council__isnull=True,
                    )
                    | models.Q(
                        organiser_department__isnull=True,
                        organiser_organisation__isnull=False,
                        organiser_council__isnull=True,
                    )
                    | models.Q(
                        organiser_department__isnull=True,
                        organiser_organisation__isnull=True,
                        organiser_council__isnull=False,
                    )
                ),
                name="event_one_organiser",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0), name="event_capacity_positive"
            ),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.title

    @property
    def organiser(self):
        return self.organiser_department or self.organiser_organisation or self.organiser_council

    @property
    def channel(self) -> str:
        """The channel of the contributions that come out of this event."""
        return CHANNEL_OF_TYPE[self.type]


class CalendarEntry(models.Model):
    """One event's VEVENT in one language, as the iCalendar feeds serve it (``events/ical.py``), kept in the
    database so that a feed whose cached pieces are gone (a restarted cache, a deploy, an eviction) costs reading
    rows, not rendering thousands of VEVENTs. ``stamp`` names what the entry was rendered from (the event's last
    change, sequence, state and district's name, the translations of its texts in another language than German, and
    the renderer: its code, the ``icalendar`` version, ``SITE_URL`` and the catalogue's strings); an entry whose
    stamp no longer matches is rendered afresh and overwritten, never served."""

    # Looked up by (event, language): the unique constraint's index serves it, and the cascade too.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="calendar_entries", db_index=False, verbose_name=_("event")
    )
    language = models.CharField(_("language"), max_length=8)
    stamp = models.TextField()  # readable: renderer|id|last change|sequence|state|translations|district
    ical = models.TextField()
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "language"], name="event_calendar_entry_unique")]

    def __str__(self):
        return f"{self.event_id}:{self.language}"


class EventLanguage(models.Model):
    """A language the event is interpreted into (Dolmetschsprache); sign language is ``Event.sign_language``."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="languages", verbose_name=_("event"))
    language = models.CharField(_("language"), max_length=8)

    class Meta:
        ordering = ["event", "language"]
        constraints = [models.UniqueConstraint(fields=["event", "language"], name="event_language_unique")]
        indexes = [models.Index(fields=["language", "event"], name="event_language_lookup")]
        verbose_name = _("interpretation language")
        verbose_name_plural = _("interpretation languages")

    def __str__(self):
        return self.language


class RegistrationState(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting e-mail confirmation")
    CONFIRMED = "confirmed", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Need(models.TextChoices):
    """Support a registered person asks for; organisers see it, nobody else."""

    STEP_FREE = "step_free", _("Step-free access")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    SIGN_LANGUAGE = "sign_language", _("Sign language interpretation")
    CHILDCARE = "childcare", _("Childcare")
    EASY_LANGUAGE = "easy_language", _("Easy language")
    ASSISTANCE = "assistance", _("Personal assistance")


class Registration(TimeStampedModel):
    """A person's registration for an event (Anmeldung), with an account or with a confirmed e-mail address.

    The waiting list is the waiting registrations in the order they came in (``created_at``, ``id``).
    ``token`` is the secret in the confirmation mail's links (confirm, cancel). Registrations are deleted after
    the retention period (``TEILHABE_REGISTRATION_RETENTION_DAYS``); only counts remain.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(
        _("state"), max_length=24, choices=RegistrationState.choices, default=RegistrationState.AWAITING_CONFIRMATION
    )
    needs = models.JSONField(_("support needed"), default=list, blank=True)
    needs_text = models.TextField(_("other needs"), max_length=NEEDS_TEXT_MAX, blank=True)
    interpretation_language = models.CharField(_("interpretation requested"), max_length=8, blank=True)
    token = models.CharField(_("token"), max_length=64, unique=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # The event's time_place_version this registrant was last told (a change notice claims it before it is sent).
    notified_version = models.PositiveIntegerField(_("told of the time and place revision"), default=0)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["event", "state", "created_at", "id"], name="registration_queue")]
        constraints = [
            # One live registration per address and event (a cancelled one may be followed by a new one).
            models.UniqueConstraint(
                fields=["event", "email"], condition=~models.Q(state="cancelled"), name="registration_once"
            ),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self):
        return f"{self.name} – {self.event}"


class CompositionDimension(models.TextChoices):
    AGE_BAND = "age_band", _("Age band")
    DISTRICT = "district", _("District")
    TARGET_GROUP = "target_group", _("Target group")
    GENDER = "gender", _("Gender")
    MIGRATION = "migration", _("Migration experience")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("under 18")
    FROM_18 = "18_29", _("18 to 29")
    FROM_30 = "30_44", _("30 to 44")
    FROM_45 = "45_64", _("45 to 64")
    FROM_65 = "65_plus", _("65 and older")


class Gender(models.TextChoices):
    """The genders of the composition counts and the voluntary self-description (``profiles``)."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    DIVERSE = "diverse", _("Diverse / another gender")


class MigrationExperience(models.TextChoices):
    """Migration experience, in the composition counts and the voluntary self-description (``profiles``)."""

    OWN = "own", _("I moved to Germany myself")
    FAMILY = "family", _("My parents or grandparents moved to Germany")
    NONE = "none", _("Neither")


class AttendanceCount(models.Model):
    """Aggregate composition of the attendance: how many people of an age band, district, target group, gender or
    migration experience.

    Counts only, never people. ``key`` is an AgeBand, Gender or MigrationExperience value, a district's or a target
    group's id.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="composition", verbose_name=_("event"))
    dimension = models.CharField(_("by"), max_length=14, choices=CompositionDimension.choices)
    key = models.CharField(_("group"), max_length=40)
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        ordering = ["event", "dimension", "key"]
        constraints = [models.UniqueConstraint(fields=["event", "dimension", "key"], name="attendance_count_unique")]
        verbose_name = _("attendance count")
        verbose_name_plural = _("attendance counts")


class AttachmentKind(models.TextChoices):
    MINUTES = "minutes", _("Minutes")
    FLIPCHART = "flipchart", _("Photo of a flipchart")
    OTHER = "other", _("Other document")


class EventAttachment(TimeStampedModel):
    """A file from an event: minutes (PDF), photos of flipcharts (JPEG/PNG). Private unless marked public.

    The type is sniffed from the content, not taken from the name; files are served through a view that asks
    the same permission as the page, never from a public URL.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="events/%Y/%m/")
    content_type = models.CharField(_("file type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_public = models.BooleanField(_("public"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )

    class Meta:
        ordering = ["event", "kind", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title
