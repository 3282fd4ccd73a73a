"""Contributions (Beiträge) from every channel, with their comments, supports and flags."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel

RIGHT_TO_LEFT = {"ar", "fa"}
TITLE_MAX = 160
BODY_MAX = 5000
COMMENT_MAX = 2000


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WORKSHOP = "workshop", _("Workshop")
    PAPER_FORM = "paper_form", _("Paper form")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    INFO_STAND = "info_stand", _("Info stand")
    DISTRICT_COUNCIL = "district_council", _("District integration council")
    EXPERT_GROUP = "expert_group", _("Expert group")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting e-mail confirmation")
    IN_MODERATION = "in_moderation", _("In moderation")
    PUBLISHED = "published", _("Published")
    REMOVED = "removed", _("Removed")


class RemovalReason(models.TextChoices):
    """Public reason categories shown on the placeholder of a removed item."""

    OFF_TOPIC = "off_topic", _("Not about this process")
    INSULTING = "insulting", _("Insulting or discriminatory")
    PERSONAL_DATA = "personal_data", _("Contains personal data of others")
    ADVERTISING = "advertising", _("Advertising or spam")
    ILLEGAL = "illegal", _("Possibly illegal content")
    DUPLICATE = "duplicate", _("Duplicate")
    AUTHOR_REQUEST = "author_request", _("Withdrawn at the author's request")


class Language(models.TextChoices):
    GERMAN = "de", "Deutsch"
    ENGLISH = "en", "English"
    TURKISH = "tr", "Türkçe"
    ARABIC = "ar", "العربية"
    POLISH = "pl", "Polski"
    RUSSIAN = "ru", "Русский"
    PERSIAN = "fa", "فارسی"
    UKRAINIAN = "uk", "Українська"
    OTHER = "other", _("Other language")


class LanguageSource(models.TextChoices):
    AUTHOR = "author", _("Chosen by the author")
    DETECTED = "detected", _("Detected automatically")
    STAFF = "staff", _("Corrected by staff")


class Contribution(TimeStampedModel):
    """One contribution, whatever channel it came in by — Beitrag."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, related_name="contributions", verbose_name=_("process")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"), max_length=BODY_MAX)
    fields_of_action = models.ManyToManyField(
        "processes.FieldOfAction", related_name="contributions", verbose_name=_("fields of action")
    )
    target_groups = models.ManyToManyField(
        "processes.TargetGroup", blank=True, related_name="contributions", verbose_name=_("target groups")
    )
    district = models.ForeignKey(
        "places.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("district"),
    )
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("neighbourhood"),
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.GERMAN)
    language_source = models.CharField(
        _("language set by"), max_length=10, choices=LanguageSource.choices, default=LanguageSource.AUTHOR
    )
    # The language the author used the site in: mails to an anonymous author go out in it.
    author_language = models.CharField(_("language of the author's interface"), max_length=8, blank=True)

    # Authorship: an account, optionally on behalf of an organisation, or an anonymous confirmed e-mail.
    # PROTECT: an online contribution must keep an author (see Meta), so accounts are anonymised, not deleted
    # (teilhabe.contributions.services.user_delete).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("author"),
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("on behalf of"),
    )
    author_email = models.EmailField(_("e-mail address"), blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True)

    # Channel and provenance: analog input carries who entered it and from what original.
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    original_date = models.DateField(_("date on the original"), null=True, blank=True)
    form_serial = models.CharField(_("form serial number"), max_length=40, blank=True)
    scan = models.FileField(_("scan of the original"), upload_to="scans/%Y/%m/", blank=True)
    group_size = models.PositiveIntegerField(_("group size"), null=True, blank=True)
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("event"),
        db_index=False,  # contrib_event_results leads with it
    )
    publication_consent = models.BooleanField(_("consent to publication"), default=False)
    licence = models.CharField(_("licence"), max_length=120, blank=True)

    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.IN_MODERATION)
    removal_reason = models.CharField(_("reason for removal"), max_length=20, choices=RemovalReason.choices, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    # Denormalised counters, changed only by services with F() updates; `manage.py check_counters` proves them.
    support_count = models.PositiveIntegerField(_("support count"), default=0)  # online: one per person
    # Supports counted on paper at events (dot-voting, ballot sheets): the sum of the AnalogSupportTally entries'
    # deltas. Never added into support_count, so that a total is online + analog and each part stays visible.
    analog_support_count = models.PositiveIntegerField(_("supports at events"), default=0, db_default=0)
    comment_count = models.PositiveIntegerField(_("comment count"), default=0)  # published comments only
    open_flag_count = models.PositiveIntegerField(_("open flag count"), default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["process", "status", "-id"], name="contrib_list_newest"),
            models.Index(fields=["process", "status", "district"], name="contrib_list_district"),
            # Counting search hits: each hit is checked here instead of in the (wide) table row.
            models.Index(fields=["id", "process", "status"], name="contrib_by_id_status"),
            # comment_count rides along so that the process figures (sums) are read from this index alone.
            # "Most supported" orders by all supports, online and at events (equal terms): an index on the sum.
            models.Index(
                models.F("process"),
                models.F("status"),
                (models.F("support_count") + models.F("analog_support_count")).desc(),
                models.F("id").desc(),
                name="contrib_list_supported",
            ),
            models.Index(fields=["process", "status", "-comment_count", "-id"], name="contrib_list_discussed"),
            models.Index(fields=["process", "status", "channel"], name="contrib_list_channel"),
            models.Index(fields=["process", "status", "language"], name="contrib_list_language"),
            # An event's page: its published results, newest first, and their count.
            models.Index(fields=["event", "status", "-id"], name="contrib_event_results"),
            # A process's event results per channel (the process page's figures), from the few rows with an event.
            models.Index(
                fields=["process", "status", "channel"],
                condition=models.Q(event__isnull=False),
                name="contrib_event_results_channel",
            ),
            # Analog input kept unpublished for want of consent (it is answered all the same), per channel.
            models.Index(
                fields=["process", "status", "channel"],
                condition=models.Q(publication_consent=False) & ~models.Q(channel="online"),
                name="contrib_analog_unpublished",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="removed") | ~models.Q(removal_reason=""),
                name="contribution_removed_has_reason",
            ),
            # Provenance: analog input names who entered it; online input has an account or an e-mail address.
            models.CheckConstraint(
                condition=models.Q(channel="online") | models.Q(entered_by__isnull=False),
                name="contribution_analog_has_entered_by",
            ),
            models.CheckConstraint(
                condition=~models.Q(channel="online") | models.Q(author__isnull=False) | ~models.Q(author_email=""),
                name="contribution_online_has_author",
            ),
            models.UniqueConstraint(
                fields=["process", "form_serial"],
                condition=~models.Q(form_serial=""),
                name="contribution_form_serial_unique",
            ),
        ]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def direction(self) -> str:
        """Writing direction of the text, for dir="…" (PDF renderers do not support dir="auto")."""
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"

    @property
    def is_removed(self) -> bool:
        return self.status == Status.REMOVED


class Comment(TimeStampedModel):
    """A comment on a contribution; replies go one level deep — Kommentar."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="comments", verbose_name=_("contribution")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.GERMAN)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.PUBLISHED)
    removal_reason = models.CharField(_("reason for removal"), max_length=20, choices=RemovalReason.choices, blank=True)
    open_flag_count = models.PositiveIntegerField(_("open flag count"), default=0)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["contribution", "created_at"], name="comment_by_contribution")]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return self.body[:60]


class Support(models.Model):
    """One person's support for a contribution (Unterstützung); at most one each."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="supports", verbose_name=_("contribution")
    )
    # PROTECT: deleting an account must go through user_delete, which also corrects support_count.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supports", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contribution", "user"], name="support_once_per_person")]
        indexes = [models.Index(fields=["user", "contribution"], name="support_by_user")]
        verbose_name = _("support")
        verbose_name_plural = _("supports")


class FlagReason(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Not about this process")
    INSULTING = "insulting", _("Insulting or discriminatory")
    PERSONAL_DATA = "personal_data", _("Contains personal data of others")
    ADVERTISING = "advertising", _("Advertising or spam")
    ILLEGAL = "illegal", _("Possibly illegal content")
    OTHER = "other", _("Other")


class Flag(TimeStampedModel):
    """A report of a contribution or comment to the moderators (Meldung)."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="flags", verbose_name=_("contribution")
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags", verbose_name=_("comment")
    )
    # PROTECT: deleting an account must go through user_delete, which also corrects open_flag_count.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "reporter"],
                condition=models.Q(comment__isnull=True),
                name="flag_contribution_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=models.Q(comment__isnull=False),
                name="flag_comment_once_per_person",
            ),
        ]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")


class ContributionTranslation(TimeStampedModel):
    """A machine translation of a contribution, kept apart from the original (maschinelle Übersetzung)."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="translations", verbose_name=_("contribution")
    )
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=TITLE_MAX * 3)
    body = models.TextField(_("text"))
    source_hash = models.CharField(_("fingerprint of the original"), max_length=64)
    engine = models.CharField(_("translated by"), max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contribution", "language"], name="contribution_translation_unique")
        ]
        verbose_name = _("machine translation")
        verbose_name_plural = _("machine translations")


class ContributionTally(models.Model):
    """How many contributions of a process share a status, channel, language and district — Zählstand.

    With the supports and published comments they carry (the sums of ``support_count`` and
    ``comment_count``), so that the process figures and the list's counted filters are read from a few small
    rows instead of counting every contribution. ``district`` is empty for contributions about the whole city.
    Kept exact by the services in the transaction of every change (``teilhabe.contributions.tallies``);
    ``manage.py check_counters`` compares them with a fresh count and ``--fix`` rebuilds them.
    """

    # CASCADE: the rows are derived; a process or district with contributions cannot be deleted anyway.
    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="+", verbose_name=_("process")
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    district = models.ForeignKey(
        "places.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    contributions = models.PositiveIntegerField(_("contributions"), default=0)
    supports = models.PositiveIntegerField(_("supports"), default=0)
    comments = models.PositiveIntegerField(_("published comments"), default=0)
    analog_supports = models.PositiveIntegerField(_("supports at events"), default=0, db_default=0)

    class Meta:
        constraints = [
            # NULLs are distinct in a unique index (SQLite and PostgreSQL alike): this one holds districts, and
            # its index serves every read by (process, status); the whole city has a partial index of its own.
            models.UniqueConstraint(
                fields=["process", "status", "channel", "language", "district"], name="tally_unique_per_district"
            ),
            models.UniqueConstraint(
                fields=["process", "status", "channel", "language"],
                condition=models.Q(district__isnull=True),
                name="tally_unique_whole_city",
            ),
        ]
        verbose_name = _("contribution tally")
        verbose_name_plural = _("contribution tallies")

    def __str__(self):
        return f"{self.process_id} {self.status} {self.channel} {self.language} {self.district_id or '-'}"


class AnalogSupportTally(models.Model):
    """Supports counted on paper at an event for one contribution (dot-voting, ballot sheets) — Punktabfrage.

    An entry is never changed or deleted. ``count`` is what the sheet says (at least 0); ``delta`` is what the entry
    adds to the contribution's ``analog_support_count``: the count itself for a first entry, and for a correction
    (``corrects``: the entry it replaces, corrected at most once) the difference to the count it replaces. So the
    sum of the deltas is the sum of the current counts, which are never negative: a contribution's analog supports
    never go below zero. Entered by the event's organisers or the process's coordinators
    (``analog_supports_enter``, ``analog_supports_correct``; both audited).
    """

    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, related_name="analog_supports", verbose_name=_("contribution")
    )
    # A reference by name: contributions never import events (the layers, docs/architecture.md).
    event = models.ForeignKey(
        "events.Event", on_delete=models.PROTECT, related_name="analog_supports", verbose_name=_("event")
    )
    count = models.PositiveIntegerField(_("supports counted"))
    delta = models.IntegerField(_("change of the total"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["contribution", "id"], name="analog_support_by_contrib"),
            models.Index(fields=["event", "id"], name="analog_support_by_event"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gte=0), name="analog_support_count_not_negative"),
            # A first entry adds its count; only a correction may change the total by anything else.
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=False) | models.Q(delta=models.F("count")),
                name="analog_support_first_entry_adds_count",
            ),
        ]
        verbose_name = _("analog support tally")
        verbose_name_plural = _("analog support tallies")

    def __str__(self):
        return f"{self.contribution_id} @ {self.event_id}: {self.count}"
