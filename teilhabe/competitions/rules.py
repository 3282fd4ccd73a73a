"""Who may do what in the ideas competition. Views, templates, services and tests ask these names.

A fund's books are kept by the coordinators of the processes in the fund's city: they see the fund and its
ledger, record entries and set a year's budget. Taking a year over its budget needs, besides, an explicit
override with a reason, which the audit log keeps.

Calls are set up by the coordinators of the call's process (texts, translations, period, budget, limits, who may
apply, funding tiers, criteria and scale) and published by them; a published call is public, an unpublished one
is seen by its process's coordinators and its jury only.
"""

import rules

from teilhabe.competitions.models import Call, Fund
from teilhabe.competitions.selectors import call_ids_judged_by, fund_ids_of
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


rules.add_perm("competitions.view_fund", keeps_fund)
rules.add_perm("competitions.keep_ledger", keeps_fund)
rules.add_perm("competitions.add_call", is_coordinator)
rules.add_perm("competitions.change_call", is_call_coordinator)
rules.add_perm("competitions.view_call", is_published_call | is_call_coordinator | is_juror_of_call)
