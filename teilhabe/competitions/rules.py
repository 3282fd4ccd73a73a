"""Who may do what in the ideas competition. Views, templates, services and tests ask these names.

A fund's books are kept by the coordinators of the processes in the fund's city: they see the fund and its
ledger, record entries and set a year's budget. Taking a year over its budget needs, besides, an explicit
override with a reason, which the audit log keeps.

Calls are set up by the coordinators of the call's process (texts, translations, period, budget, limits, who may
apply, funding tiers, criteria and scale) and published by them; a published call is public, an unpublished one
is seen by its process's coordinators and its jury only.

Applications: anyone with an account applies to a published call while it takes applications (as the call
allows: for an organisation they represent, verified; as a group's contact person; as an individual). An
application is seen by its applicant and the call's coordinators; the applicant changes it while it is a draft and
withdraws it after submitting, until the decision. The coordinators enter applications that came on paper.

The jury is seated by the call's coordinators (add a person by e-mail, remove one who has not declared or scored yet,
set the one chair) until scoring closes. Each juror declares for each eligible application whether they have a
conflict of interest. Only after declaring no conflict does a juror read the application and score it (until the chair
closes scoring); a recused juror never reads it nor sees its scores. Nobody — jurors, coordinators — sees anyone's
scores but their own until the chair closes scoring; then the jurors (not for applications they are recused from) and
the coordinators see them. The chair records the recommendation after closing.

The optional public support phase: while it is open, anyone signed in supports (once) an eligible application
whose applicant agreed to a public summary; the applicant gives or withdraws that consent until withdrawing the
application. The coordinators enter supports counted offline from the phase's opening until scoring closes.

After closing, a coordinator records the council committee's decision on each application the jury scored;
approval makes a grant, which the coordinators pay in tranches. The grantee reports on it and decides whether its
page is public.
"""

import rules

from teilhabe.competitions.models import Application, ApplicationState, Call, Decision, Fund, Grant
from teilhabe.competitions.selectors import (
    CallState,
    SupportState,
    call_ids_judged_by,
    call_state,
    declaration_of,
    fund_ids_of,
    is_for_jury,
    is_supportable,
    seat_of,
    support_state,
)
from teilhabe.processes.rules import is_coordinator


@rules.predicate
def keeps_fund(user, fund):
    return isinstance(fund, Fund) and fund.pk in fund_ids_of(user)


@rules.predicate
def is_published_call(user, call):
    return isinstance(call, Call) and call.is_published


@rules.predicate
def is_juror_of_call(user, call):
    return isinstance(call, Call) and call.pk in call_ids_judged_by(user)


@rules.predicate
def is_call_coordinator(user, call):
    return isinstance(call, Call) and is_coordinator(user, call)


@rules.predicate
def takes_applications(user, call):
    return isinstance(call, Call) and call.is_published and call_state(call) == CallState.OPEN


@rules.predicate
def is_own_application(user, application):
    return (
        isinstance(application, Application)
        and getattr(user, "is_authenticated", False)
        and application.applicant_id == user.pk
    )


@rules.predicate
def is_application_coordinator(user, application):
    return isinstance(application, Application) and is_coordinator(user, application.call)


@rules.predicate
def is_draft(user, application):
    return isinstance(application, Application) and application.state == ApplicationState.DRAFT


@rules.predicate
def is_submitted(user, application):
    return isinstance(application, Application) and application.state == ApplicationState.SUBMITTED


@rules.predicate
def is_chair_of_call(user, call):
    seat = seat_of(user, call) if isinstance(call, Call) else None
    return seat is not None and seat.is_chair


@rules.predicate
def scoring_open(user, obj):
    call = obj.call if isinstance(obj, Application) else obj
    return isinstance(call, Call) and call.scoring_closed_at is None


@rules.predicate
def scoring_closed(user, obj):
    call = obj.call if isinstance(obj, Application) else obj
    return isinstance(call, Call) and call.scoring_closed_at is not None


@rules.predicate
def goes_to_jury(user, application):
    return isinstance(application, Application) and is_for_jury(application)


@rules.predicate
def is_juror_of_application(user, application):
    return isinstance(application, Application) and seat_of(user, application.call) is not None


@rules.predicate
def declared_no_conflict(user, application):
    if not isinstance(application, Application):
        return False
    return declaration_of(seat_of(user, application.call), application) is False


@rules.predicate
def not_declared_yet(user, application):
    if not isinstance(application, Application):
        return False
    seat = seat_of(user, application.call)
    return seat is not None and declaration_of(seat, application) is None


@rules.predicate
def not_decided(user, application):
    return isinstance(application, Application) and not Decision.objects.filter(application=application).exists()


@rules.predicate
def is_grantee(user, grant):
    return (
        isinstance(grant, Grant)
        and getattr(user, "is_authenticated", False)
        and grant.application.applicant_id == user.pk
    )


@rules.predicate
def is_grant_coordinator(user, grant):
    return isinstance(grant, Grant) and is_coordinator(user, grant.application.call)


@rules.predicate
def is_public_grant(user, grant):
    return isinstance(grant, Grant) and grant.public_consent


@rules.predicate
def supportable(user, application):
    return isinstance(application, Application) and is_supportable(application)


@rules.predicate
def support_open(user, application):
    return isinstance(application, Application) and support_state(application.call) == SupportState.OPEN


@rules.predicate
def support_begun(user, application):
    return isinstance(application, Application) and support_state(application.call) in (
        SupportState.OPEN,
        SupportState.CLOSED,
    )


@rules.predicate
def not_withdrawn(user, application):
    return isinstance(application, Application) and application.state != ApplicationState.WITHDRAWN


rules.add_perm("competitions.view_fund", keeps_fund)
rules.add_perm("competitions.keep_ledger", keeps_fund)
rules.add_perm("competitions.add_call", is_coordinator)
rules.add_perm("competitions.change_call", is_call_coordinator)
rules.add_perm("competitions.view_call", is_published_call | is_call_coordinator | is_juror_of_call)
rules.add_perm("competitions.apply", rules.is_authenticated & takes_applications)
rules.add_perm(
    "competitions.view_application",
    is_own_application | is_application_coordinator | (goes_to_jury & declared_no_conflict),
)
rules.add_perm("competitions.change_application", is_own_application & is_draft)
rules.add_perm("competitions.withdraw_application", is_own_application & is_submitted & not_decided)
rules.add_perm("competitions.view_applications", is_call_coordinator)
rules.add_perm("competitions.enter_paper_application", is_call_coordinator)
rules.add_perm("competitions.check_eligibility", is_application_coordinator & is_submitted)
rules.add_perm("competitions.view_jury", is_juror_of_call | is_call_coordinator)
rules.add_perm("competitions.manage_jury", is_call_coordinator & scoring_open)
rules.add_perm("competitions.declare_conflict", goes_to_jury & not_declared_yet & scoring_open)
rules.add_perm("competitions.score_application", goes_to_jury & declared_no_conflict & scoring_open)
rules.add_perm(
    "competitions.view_scores",
    scoring_closed & goes_to_jury & (declared_no_conflict | is_application_coordinator),
)
rules.add_perm("competitions.close_scoring", is_chair_of_call & scoring_open)
rules.add_perm("competitions.recommend", is_chair_of_call & scoring_closed)
rules.add_perm("competitions.decide", is_application_coordinator & goes_to_jury & scoring_closed & not_decided)
rules.add_perm("competitions.set_summary_consent", is_own_application & not_withdrawn)
rules.add_perm("competitions.support_application", rules.is_authenticated & supportable & support_open)
rules.add_perm(
    "competitions.enter_support_tally", is_application_coordinator & supportable & support_begun & scoring_open
)
rules.add_perm("competitions.manage_grant", is_grant_coordinator)
rules.add_perm("competitions.report_on_grant", is_grantee)
rules.add_perm("competitions.view_grant", is_public_grant | is_grantee | is_grant_coordinator)
