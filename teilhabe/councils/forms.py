"""Forms of the council pages: they parse input; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.administration.selectors import department_name
from teilhabe.core.fields import IdField, ModelChoiceField, ModelMultipleChoiceField
from teilhabe.councils.models import (
    ACTIVITY_MAX,
    AGENDA_TEXT_MAX,
    AGENDA_TITLE_MAX,
    STATEMENT_TEXT_MAX,
    STATEMENT_TITLE_MAX,
    AllocationRule,
    CouncilRole,
)
from teilhabe.processes.models import FieldOfAction

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class MembershipChangeForm(forms.Form):
    """A member's role, term and consent to be named on the public page."""

    role = forms.ChoiceField(label=_("Role"), choices=CouncilRole.choices, initial=CouncilRole.MEMBER)
    term_start = _date_field(_("Term begins"), help_text=_("For example 2027-01-31."))
    term_end = _date_field(_("Term ends"), help_text=_("Terms last at most five years."))
    name_public = forms.BooleanField(
        label=_("The member agrees to their name being shown on the council's public page"), required=False
    )


class MembershipAddForm(MembershipChangeForm):
    """A person with an account joins the council."""

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        max_length=254,
        help_text=_("The address of their account on this platform. A person without an account registers first."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["email", "role", "term_start", "term_end", "name_public"]


class MemberPhotoForm(forms.Form):
    """A member's photo for the public page, with their consent."""

    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("A JPEG, PNG or WebP image. It is stored smaller, without its metadata (camera, place, time)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    consent = forms.BooleanField(
        label=_("The member agrees to this photo being shown beside their name on the council's public page"),
        required=False,
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=AGENDA_TITLE_MAX)
    description = forms.CharField(
        label=_("Description (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=AGENDA_TEXT_MAX,
        required=False,
    )


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("What the council decided"), widget=forms.Textarea(attrs={"rows": 3}), max_length=AGENDA_TEXT_MAX
    )


class CorrectionForm(forms.Form):
    """A submitted statement corrected before the department answers it, with the reason."""

    title = forms.CharField(label=_("Title"), max_length=STATEMENT_TITLE_MAX)
    text = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 10}), max_length=STATEMENT_TEXT_MAX
    )
    reason = forms.CharField(
        label=_("Why it is corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The council's members and the department read it in the statement's history."),
    )


class WithdrawalForm(forms.Form):
    """A submitted statement withdrawn before the department answers it, with the reason."""

    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The council's members read it in the statement's history."),
    )


class PositionForm(forms.Form):
    """A council statement's text and subject."""

    title = forms.CharField(label=_("Title"), max_length=STATEMENT_TITLE_MAX)
    text = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 10}), max_length=STATEMENT_TEXT_MAX
    )
    field_of_action = ModelChoiceField(label=_("Field of action"), queryset=None, empty_label=None)
    section = forms.TypedChoiceField(
        label=_("On the section of the plan (optional)"), coerce=int, empty_value=None, required=False
    )
    measure = forms.CharField(
        label=_("On the measure (optional)"),
        max_length=20,
        required=False,
        help_text=_("The measure's code in the plan, for example M-012."),
    )
    about_contribution = IdField(
        label=_("On the contribution (optional)"),
        required=False,
        help_text=_("The number of the contribution, as in its address."),
    )

    def __init__(self, *args, processes, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        fields = FieldOfAction.objects.filter(process__in=processes).select_related("process")
        self.fields["field_of_action"].queryset = fields.order_by("process_id", "order")
        self.fields["field_of_action"].label_from_instance = lambda field: f"{field.process.title} – {field.name}"
        self.fields["section"].choices = [("", _("No section")), *sections]


class VoteForm(forms.Form):
    """How the council adopted the statement and where it goes."""

    session = ModelChoiceField(label=_("Adopted in the session"), queryset=None, empty_label=None)
    yes = forms.IntegerField(label=_("Votes in favour"), min_value=0, max_value=999)
    no = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=999)
    abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=999)
    department = ModelChoiceField(label=_("Addressed to the department"), queryset=None, empty_label=None)
    due_date = _date_field(_("Answer due by"), help_text=_("For example 2027-03-31."))

    def __init__(self, *args, sessions, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda event: f"{event.starts_at:%Y-%m-%d} – {event.title}"
        self.fields["department"].queryset = departments
        self.fields["department"].label_from_instance = department_name
        self.fields["due_date"].required = True


class BudgetYearForm(forms.Form):
    total = forms.IntegerField(label=_("Total for all councils (whole euros)"), min_value=0, max_value=100_000_000)
    rule = forms.ChoiceField(label=_("Shared"), choices=AllocationRule.choices, initial=AllocationRule.POPULATION)


class FundingForm(forms.Form):
    activity = forms.CharField(label=_("Activity"), max_length=ACTIVITY_MAX)
    amount = forms.DecimalField(
        label=_("Amount (euros)"), min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), decimal_places=2
    )
    date = _date_field(_("Date"), help_text=_("For example 2027-05-14."))
    session = ModelChoiceField(label=_("Decided in the session"), queryset=None, empty_label=None)
    override_reason = forms.CharField(
        label=_("Reason for spending beyond the balance (coordinators only)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Only if the amount is more than the council's balance; the override is recorded."),
    )

    def __init__(self, *args, sessions, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].required = True
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda event: f"{event.starts_at:%Y-%m-%d} – {event.title}"
        if not can_override:
            del self.fields["override_reason"]


class ConsultationForm(forms.Form):
    """A council's own consultation: a question in a field of action of a process, open between two dates."""

    question = forms.CharField(label=_("Question"), max_length=200)
    description = forms.CharField(
        label=_("Description (optional)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    field_of_action = ModelChoiceField(label=_("Field of action"), queryset=None, empty_label=None)
    starts_on = _date_field(_("Open from"))
    ends_on = _date_field(_("Open until"))

    def __init__(self, *args, processes, **kwargs):
        super().__init__(*args, **kwargs)
        fields = FieldOfAction.objects.filter(process__in=processes).select_related("process")
        self.fields["field_of_action"].queryset = fields.order_by("process_id", "order")
        self.fields["field_of_action"].label_from_instance = lambda field: f"{field.process.title} – {field.name}"
        self.fields["starts_on"].required = True
        self.fields["ends_on"].required = True


class ConsultationContributionForm(forms.Form):
    """An answer to a council's consultation (online)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Your contribution"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    author_email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send you a link to confirm your contribution. It is not published."),
    )
    publication_consent = forms.BooleanField(label=_("I agree that my contribution is published."), required=False)

    def __init__(self, *args, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymous:
            del self.fields["author_email"]


class PaperContributionForm(forms.Form):
    """A contribution to the consultation that came on paper (entered by a coordinator)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    original_date = _date_field(_("Date on the original (optional)"))
    form_serial = forms.CharField(label=_("Serial number of the form (optional)"), max_length=40, required=False)
    publication_consent = forms.BooleanField(label=_("The author agreed to publication."), required=False)


class AttendanceForm(forms.Form):
    members = ModelMultipleChoiceField(
        label=_("Members present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    guests = forms.IntegerField(label=_("Guests (number)"), min_value=0, max_value=100_000, initial=0)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = memberships
        self.fields["members"].label_from_instance = lambda m: f"{m.user.public_name} ({m.get_role_display()})"
