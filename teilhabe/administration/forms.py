"""Forms of the staff workspace, the notification settings and the consideration table."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from teilhabe.administration.models import AnswerState, Delivery, Department, ExportFormat, Outcome
from teilhabe.contributions.models import Channel, Contribution
from teilhabe.core.fields import IdField, ModelChoiceField, ModelMultipleChoiceField, parse_id

# == contribution work page (statements, dispositions, notes) ==


def translation_languages():
    """The languages a staff text can be translated into: every language of the site but German."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class StatementTextForm(forms.Form):
    text = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 10}), max_length=10000, required=False
    )


class StatementActionForm(forms.Form):
    """A step on the statement shown on the page (its id, so that a statement replaced meanwhile is not hit)."""

    statement = IdField(widget=forms.HiddenInput)


class StatementReviewForm(StatementActionForm):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("sign_off", _("Sign off")), ("return", _("Return for revision"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Required when you return the statement: say what should change."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class TranslationForm(forms.Form):
    target = IdField(widget=forms.HiddenInput)  # the statement or decision shown on the page
    language = forms.ChoiceField(label=_("Language"), choices=translation_languages)
    text = forms.CharField(label=_("Translation"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)


class InputForm(forms.Form):
    text = forms.CharField(
        label=_("Your department's input"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    justification = forms.CharField(
        label=_("Justification"),
        help_text=_("Shown to the public with the decision."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    forwarded_to = forms.CharField(
        label=_("Forwarded to"),
        help_text=_("Required for “outside municipal competence”: the authority or body it was passed on to."),
        max_length=300,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.OUTSIDE_COMPETENCE and not (data.get("forwarded_to") or "").strip():
            self.add_error("forwarded_to", _("Please say to whom it was forwarded."))
        return data


class GroupFilterForm(forms.Form):
    """Filters of the group decision list: field of action, district, answer state, search."""

    field = forms.ChoiceField(label=_("Field of action"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    state = forms.ChoiceField(label=_("Answer state"), required=False, choices=[("", _("All")), *AnswerState.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args, fields, districts, **kwargs):
        """``fields``: (slug, name) of the process's fields of action; ``districts``: (number, name)."""
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All")), *fields]
        self.fields["district"].choices = [("", _("All")), *((str(number), name) for number, name in districts)]


class GroupDecisionForm(DecisionForm):
    contributions = ModelMultipleChoiceField(
        label=_("Contributions decided together"), queryset=Contribution.objects.none()
    )
    group_title = forms.CharField(
        label=_("Title of the group"),
        help_text=_("For example: “More language courses with childcare”."),
        max_length=200,
    )

    field_order = ["contributions", "group_title", "outcome", "justification", "forwarded_to"]

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = candidates


# == consideration table ==


class ConsiderationFilterForm(forms.Form):
    """Filters of the consideration table. Values outside the choices are invalid (400), never a query."""

    field = forms.TypedChoiceField(label=_("Field of action"), required=False, coerce=int, empty_value=None)
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    outcome = forms.ChoiceField(label=_("Decision"), required=False)
    answer_state = forms.ChoiceField(label=_("Answer state"), required=False)

    def __init__(self, *args, options: dict[str, list], **kwargs):
        """``options``: (value, label) per filter, from ``consideration_filter_options``."""
        super().__init__(*args, **kwargs)
        for name, choices in options.items():
            self.fields[name].choices = [("", _("All")), *choices]


class ConsiderationExportForm(ConsiderationFilterForm):
    """An export of the table as it is filtered on the screen (the filters come along as hidden fields)."""

    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "format":
                field.widget = forms.HiddenInput()


# == queue and routing (department queues, coordinators' routing screen) ==

HAND_PICKED_MAX = 1000  # a larger set is routed by its filter


class QueueFilterForm(forms.Form):
    """The filters of a department's queue; the choices come from ``queue_filter_options``."""

    process = forms.TypedChoiceField(label=_("Process"), required=False, coerce=int, empty_value=None)
    field = forms.TypedChoiceField(label=_("Field of action"), required=False, coerce=int, empty_value=None)
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    state = forms.ChoiceField(label=_("Answer state"), required=False)
    assigned = forms.ChoiceField(label=_("Assigned to"), required=False)
    due_before = forms.DateField(
        label=_("Due before"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("due", _("Due date, earliest first")), ("due_desc", _("Due date, latest first"))],
    )

    def __init__(self, *args, options, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", _("All processes")), *options["process"]]
        self.fields["field"].choices = [("", _("All fields of action")), *options["field"]]
        self.fields["district"].choices = [("", _("All districts")), *options["district"]]
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]
        self.fields["state"].choices = [("", _("All states")), *states]
        self.fields["assigned"].choices = [
            ("", _("Everyone")),
            ("me", _("Me")),
            ("none", _("Nobody yet")),
            *((str(pk), name) for pk, name in options["assignee"]),
        ]


class RoutingFilterForm(forms.Form):
    """The filters of the routing screen. The same fields travel along with "route all matching", so that the
    server applies the filter again instead of trusting a list of ids."""

    field = forms.ChoiceField(label=_("Field of action"), required=False)
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    state = forms.ChoiceField(label=_("Answer state"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args, fields, districts, states, **kwargs):
        """``fields``: (slug, name) of the process's fields of action; ``districts``: (id, name)."""
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All fields of action")), *fields]
        self.fields["district"].choices = [("", _("All districts")), *districts]
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]
        self.fields["state"].choices = [("", _("All states")), *states]


class IdListField(forms.Field):
    """Ids of hand-picked items (checkboxes of one name): each a positive 64-bit integer, at most ``limit``."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, limit: int, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.limit = limit

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = [parse_id(item) for item in values]
        if None in ids:
            raise ValidationError(_("Please choose contributions from the list."), code="invalid")
        if len(set(ids)) > self.limit:
            raise ValidationError(
                _("Please choose at most %(limit)s contributions, or route all matching the filter."),
                code="too_many",
                params={"limit": self.limit},
            )
        return sorted(set(ids))


class RouteForm(forms.Form):
    lead = ModelChoiceField(label=_("Lead department"), queryset=Department.objects.none())
    contributing = ModelMultipleChoiceField(
        label=_("Contributing departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    selected = IdListField(limit=HAND_PICKED_MAX)
    action = forms.ChoiceField(choices=[("selected", "selected"), ("filter", "filter")], widget=forms.HiddenInput)

    def __init__(self, *args, process, department_labels, **kwargs):
        """``department_labels``: {id: code and name} of the city's departments, in the reader's language."""
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(city_id=process.city_id).order_by("code")
        for name in ("lead", "contributing"):
            self.fields[name].queryset = departments
            self.fields[name].label_from_instance = lambda department: department_labels.get(
                department.pk, str(department)
            )
        self.fields["lead"].empty_label = _("Please choose")
        due = timezone.localdate() + datetime.timedelta(days=process.answer_due_days)
        self.fields["due_date"].help_text = _(
            "Leave empty for the process's default: in %(days)s days, on %(date)s."
        ) % {"days": process.answer_due_days, "date": date_format(due, "SHORT_DATE_FORMAT")}


class RoutingAssignForm(forms.Form):
    assignee = ModelChoiceField(label=_("Assigned to"), queryset=None, required=False)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, routing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            department_memberships__department_id=routing.department_id
        )
        self.fields["assignee"].error_messages["invalid_choice"] = _("Please choose a member of this department.")


class RoutingReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you hand it back?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


# == notifications (unsubscribe, opt-in) ==


class SubscribeForm(forms.Form):
    """A signed-in reader asks to be notified of a contribution's public steps."""

    delivery = forms.ChoiceField(
        label=_("How would you like to be notified?"),
        choices=Delivery.choices,
        initial=Delivery.EACH_STEP,
        widget=forms.RadioSelect,
    )


class SubscriptionActionForm(forms.Form):
    """The buttons of the notification settings page (reached by the link in every mail)."""

    ACTIONS = ("unsubscribe", "unsubscribe_all", "resume", *Delivery.values)
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
