"""What a district page shows by the dozen — its lists of links, the council's statements and funded activities —
as HTML written in Python (docs/rendering.md, "Display values prepared once"): the same markup the templates
``_links.html``, ``_positions.html`` and ``_budget.html`` give, at a fraction of their cost, which the page pays
whenever it is rendered afresh (after a change of the process, its events or the council, and with an emptied
cache). Every value is escaped (``html.escape``, as Django's ``escape``); translated texts are taken as
``{% translate %}`` and ``{% blocktranslate %}`` take them (the same message ids).
"""

from html import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _lines(text: str) -> str:
    """``|linebreaksbr``: escaped, each line break a ``<br>``."""
    return escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def links_html(links, empty: str) -> SafeString:
    """A list of ``selectors.Link`` (``_links.html``), or ``empty`` when there are none."""
    if not links:
        return mark_safe(f"<p>{escape(empty)}</p>")  # noqa: S308 - escaped
    items = "".join(
        f'<li><a href="{escape(link.url)}"><bdi>{escape(link.title)}</bdi></a>'
        + (f' <span class="meta">{escape(link.note)}</span>' if link.note else "")
        + "</li>"
        for link in links
    )
    return mark_safe(f'<ul class="council-links">\n  {items}\n</ul>')  # noqa: S308 - every value is escaped


def positions_html(rows, contribution_url) -> SafeString:
    """The council's statements routed to departments, with their answers, as the public page lists them
    (``_positions.html`` without ``work``); ``contribution_url`` gives the URL of a contribution by its id."""
    adopted, addressed_to, due_by = (
        _("adopted in the session of %(date)s"),
        _("Addressed to <bdi>%(department)s</bdi>"),
        _("answer due by %(date)s"),
    )
    answer_of, overdue, overdue_text, waiting = (
        _("Answer of the department (%(date)s):"),
        _("Overdue:"),
        _("the answer has not been given by its due date."),
        _("The department has not answered yet."),
    )
    items = []
    for row in rows:
        title = f"<bdi>{escape(row.title)}</bdi>"
        if row.contribution_id:
            title = f'<a href="{escape(contribution_url(row.contribution_id))}">{title}</a>'
        meta = escape(row.subject)
        if row.session_date:
            meta += " · " + adopted % {"date": escape(_date(row.session_date))}
        if row.votes:
            meta += f" ({escape(row.votes)})"
        parts = [f"<h3>{title}</h3>", f'<p class="meta">{meta}</p>']
        if row.department:
            line = addressed_to % {"department": escape(row.department)}
            if row.due_date:
                line += ", " + due_by % {"date": escape(_date(row.due_date))}
            parts.append(f"<p>{line}</p>")
        if row.answer:
            heading = answer_of % {"date": escape(_date(row.answered_at))}
            parts.append(
                f'<div class="council-answer"><p><strong>{heading}</strong></p>'
                f'<p lang="de" dir="auto">{_lines(row.answer)}</p></div>'
            )
        elif row.overdue:
            parts.append(f'<p class="council-overdue"><strong>{overdue}</strong> {overdue_text}</p>')
        elif row.state == "forwarded":
            parts.append(f"<p>{waiting}</p>")
        items.append("<li>\n    " + "\n    ".join(parts) + "\n  </li>")
    return mark_safe('<ul class="council-positions">\n  ' + "\n  ".join(items) + "\n</ul>")  # noqa: S308 - escaped


def _euros(value, places: int) -> str:
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def budget_html(summary) -> SafeString:
    """A council's budget of a year (``_budget.html``): share, funded, balance and the latest funded activities."""
    if summary.allocated is None:
        no_budget = _("No budget is set for this year yet.")
        out = f"<p>{no_budget}</p>"
    else:
        share, funded, balance_label, overspent = (
            _("Share of the year's budget"),
            _("Funded"),
            _("Balance"),
            _("overspent"),
        )
        balance = f"{_euros(summary.balance, 2)} €"
        if summary.balance < 0:
            balance = f"<strong>{balance} ({overspent})</strong>"
        out = (
            '<dl class="council-facts">\n'
            f"  <dt>{share}</dt><dd>{_euros(summary.allocated, 0)} €</dd>\n"
            f"  <dt>{funded}</dt><dd>{_euros(summary.spent, 2)} €</dd>\n"
            f"  <dt>{balance_label}</dt><dd>{balance}</dd>\n"
            "</dl>"
        )
    if summary.entries:
        if summary.entry_count > len(summary.entries):
            caption = _("Funded activities: the latest %(shown)s of %(total)s") % {
                "shown": len(summary.entries),
                "total": summary.entry_count,
            }
        else:
            caption = _("Funded activities")
        beyond = _("beyond the balance")
        heads = (_("Date"), _("Activity"), _("Amount (EUR)"), _("Decided in the session"))
        rows = []
        for entry in summary.entries:
            reason = ""
            if entry.override_reason:
                reason = f' <span class="meta">({beyond}: {escape(entry.override_reason)})</span>'
            rows.append(
                f'<tr><td>{escape(_date(entry.date))}</td><th scope="row"><bdi>{escape(entry.activity)}</bdi>'
                f"{reason}</th><td>{_euros(entry.amount, 2)}</td><td>{escape(_date(entry.session.starts_at))}</td></tr>"
            )
        head = "".join(f'<th scope="col">{text}</th>' for text in heads)
        out += (
            '\n<div class="table-scroll" role="region" aria-labelledby="funded-title" tabindex="0">\n'
            '<table class="queue-table">\n'
            f'  <caption id="funded-title">{caption}</caption>\n'
            f"  <thead><tr>{head}</tr></thead>\n"
            "  <tbody>\n    " + "\n    ".join(rows) + "\n  </tbody>\n</table>\n</div>"
        )
    return mark_safe(out)  # noqa: S308 - every value is escaped


def district_lists(page, contribution_url) -> dict[str, SafeString]:
    """The lists of a district page (``selectors.DistrictPage``) as HTML, by the names ``_district_body.html``
    prints them under."""
    empty = {
        "next_sessions": _("No session is planned at the moment."),
        "past_sessions": _("No session has been held yet."),
        "contributions": _("No contribution names this district yet."),
        "events": _("No event is planned in the district at the moment."),
        "measures": _("No measure of the published plan names this district."),
    }
    lists = {name: links_html(getattr(page, name), text) for name, text in empty.items()}
    lists["positions"] = positions_html(page.positions, contribution_url) if page.positions else mark_safe("")
    lists["budget"] = budget_html(page.budget)
    return lists
