"""Who may do what in the ideas competition. Views, templates, services and tests ask these names.

A fund's books are kept by the coordinators of the processes in the fund's city: they see the fund and its
ledger, record entries and set a year's budget. Taking a year over its budget needs, besides, an explicit
override with a reason, which the audit log keeps.
"""

import rules

from teilhabe.competitions.models import Fund
from teilhabe.competitions.selectors import fund_ids_of


@rules.predicate
def keeps_fund(user, fund):
    return isinstance(fund, Fund) and fund.pk in fund_ids_of(user)


rules.add_perm("competitions.view_fund", keeps_fund)
rules.add_perm("competitions.keep_ledger", keeps_fund)
