"""The public plan pages' big parts as HTML written in Python: a version's table of contents and document, and the
rows of the list of measures (docs/rendering.md, "Display values prepared once").

A version with 300 measures has some 400 sections; a template would cost several milliseconds for them, these
functions a fraction of one, and the document is then kept as a fragment until the plan, a text or a comment
count changes (``views``). Every value is escaped with ``html.escape`` (what Django's ``escape`` uses);
translated texts are looked up by plain ``gettext`` calls and taken as they are, as ``{% translate %}`` does.
A staff text shown in German because the reader's language is missing carries ``lang="de"`` (and ``dir="ltr"``
on a right-to-left page).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext, pgettext

from teilhabe.core.selectors import content_translation_table
from teilhabe.plan.models import Section, SectionKind
from teilhabe.plan.selectors import Node, PublicMeasureRow, Tree

_KEY_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
_CODE_PLACEHOLDER = "__measure_code__"


def measure_url_maker(slug: str) -> Callable[[str], str]:
    """A function giving the page of a measure by its code: one ``reverse`` per page, not one per measure."""
    base = reverse("plan:measure", kwargs={"slug": slug, "code": _CODE_PLACEHOLDER})
    head, _sep, tail = base.rpartition(_CODE_PLACEHOLDER)
    return lambda code: f"{head}{quote(code, safe='')}{tail}"


def section_url_maker(slug: str, number: int) -> Callable[[str], str]:
    """A function giving the page of a section of version ``number`` by its key."""
    base = reverse("plan:section", kwargs={"slug": slug, "number": number, "key": _KEY_PLACEHOLDER})
    head, _sep, tail = base.rpartition(_KEY_PLACEHOLDER)
    return lambda key: f"{head}{key}{tail}"


def date_text(value: datetime.date | None, *, short: bool = False, language: str | None = None) -> str:
    """A date in the reader's format. A plan repeats the same few dates hundreds of times (a measure's start, end
    and status date), so each is formatted once per language and format."""
    return _date_text(value, short, language or get_language()) if value else ""


@functools.lru_cache(maxsize=4096)
def _date_text(value: datetime.date, short: bool, language: str) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT" if short else "DATE_FORMAT")


def money_text(amount, language: str | None = None) -> str:
    """An amount in euros in the reader's number format (cents only when there are any)."""
    if amount is None:
        return ""
    return _money_text(Decimal(amount), language or get_language())


@functools.lru_cache(maxsize=4096)
def _money_text(amount: Decimal, language: str) -> str:
    places = 0 if amount == amount.to_integral_value() else 2
    number = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return gettext("%(amount)s €") % {"amount": number}


def period_text(
    start: datetime.date | None, end: datetime.date | None, *, short: bool = False, language: str | None = None
) -> str:
    """A measure's period ("1 June 2025 to 31 May 2028"); ``short`` with the short date format, for tables. Days,
    not times: the message context keeps it apart from an event's hours. Formatted once per language."""
    return _period_text(start, end, short, language or get_language()) if start or end else ""


@functools.lru_cache(maxsize=4096)
def _period_text(start: datetime.date | None, end: datetime.date | None, short: bool, language: str) -> str:
    first, last = date_text(start, short=short, language=language), date_text(end, short=short, language=language)
    if start and end:
        return pgettext("days", "%(start)s to %(end)s") % {"start": first, "end": last}
    if start:
        return pgettext("days", "from %(start)s") % {"start": first}
    return pgettext("days", "until %(end)s") % {"end": last}


def status_badge(status: str, label: str) -> str:
    """A measure's status as a badge: its text says it, the colour only repeats it."""
    return f'<span class="plan-status plan-status-{escape(status)}">{escape(label)}</span>'


class Fallbacks:
    """Which staff texts of a version's sections are shown in German on a page in another language."""

    def __init__(self, language: str):
        self.language = language
        self.translated = language != settings.LANGUAGE_CODE
        self.table = content_translation_table(Section, language) if self.translated else {}
        rtl = language.split("-")[0] in settings.LANGUAGES_BIDI
        self.attribute = ' lang="de" dir="ltr"' if rtl else ' lang="de"'
        self.any = False

    def lang(self, section_id: int, field: str, text: str) -> str:
        """The attributes of an element showing ``text`` (a section's ``field``): ``lang="de"`` when it fell back."""
        if not self.translated or not text:
            return ""
        row = self.table.get((section_id, field))
        if row is not None and row.text.strip():
            return ""
        self.any = True
        return self.attribute


@dataclass
class DocumentOptions:
    """What the document of a version shows besides the sections: links to measures and sections, how many
    comments each section has and whether the reader may comment."""

    measure_url: Callable[[str], str]
    section_url: Callable[[str], str]
    counts: dict[int, int]
    can_comment: bool


def toc_html(tree: Tree, fallbacks: Fallbacks) -> str:
    """The table of contents: every section but the measures (the list of measures has those), nested."""
    label = gettext("Contents")
    parts = [f'<nav class="plan-toc" aria-labelledby="plan-toc-title">\n<h2 id="plan-toc-title">{escape(label)}</h2>\n']

    def items(nodes: list[Node]) -> None:
        shown = [node for node in nodes if node.kind != SectionKind.MEASURE]
        if not shown:
            return
        parts.append("<ol>\n")
        for node in shown:
            parts.append(
                f'<li><a href="#{node.anchor}"><bdi class="plan-number">{escape(node.number)}</bdi> '
                f"<span{fallbacks.lang(node.id, 'title', node.title)}>{escape(node.title)}</span></a>"
            )
            items(node.children)
            parts.append("</li>\n")
        parts.append("</ol>\n")

    items(tree.roots)
    parts.append("</nav>\n")
    return "".join(parts)


def document_html(tree: Tree, options: DocumentOptions, fallbacks: Fallbacks) -> str:
    """Every section of a version in reading order, headings by depth (``h2`` at the top level), measures as
    compact blocks with their facts and status."""
    labels = {
        "department": escape(gettext("Responsible")),
        "period": escape(gettext("Period")),
        "budget": escape(gettext("Planned budget")),
        "spent": escape(gettext("Spent so far")),
        "target_groups": escape(gettext("Target groups")),
        "districts": escape(gettext("Districts")),
        "partners": escape(gettext("Partners")),
        "status": escape(gettext("Status")),
        "facts": escape(gettext("Facts of the measure")),
    }
    since = gettext("since %(date)s")
    more_about = gettext("More about measure %(code)s")
    separator = pgettext("list separator", ", ")
    comment_label = escape(gettext("Comment on this section"))
    parts: list[str] = []

    badges: dict[str, str] = {}  # a status's badge, made once
    language = get_language()  # asked once: dates and amounts are formatted per language

    # A section's kind, key and number are the platform's own (a choice, a UUID, digits and dots): not escaped.
    def write(node: Node) -> None:
        level = min(2 + node.depth, 6)
        is_measure = node.kind == SectionKind.MEASURE
        parts.append(f'<section class="plan-section plan-kind-{node.kind}" id="s-{node.key}">\n')
        parts.append(
            f'<h{level} id="h-{node.key}"><bdi class="plan-number">{node.number}</bdi> '
            f"<span{fallbacks.lang(node.id, 'title', node.title)}>{escape(node.title)}</span></h{level}>\n"
        )
        if is_measure:
            status = badges.get(node.status)
            if status is None:
                status = badges[node.status] = status_badge(node.status, node.status_label)
            if node.status_date:
                since_text = since % {"date": date_text(node.status_date, language=language)}
                status += f' <span class="meta">{escape(since_text)}</span>'
            parts.append(
                f'<p class="plan-measure-head"><span class="plan-code">{escape(node.measure_code)}</span> '
                f'<span class="visually-hidden">{labels["status"]}: </span>{status}</p>\n'
            )
            facts = []
            if node.department:
                facts.append((labels["department"], f"<bdi>{escape(node.department)}</bdi>"))
            period = period_text(node.start, node.end, language=language)
            if period:
                facts.append((labels["period"], escape(period)))
            if node.budget is not None:
                facts.append((labels["budget"], f"<bdi>{escape(money_text(node.budget, language))}</bdi>"))
            if node.target_groups:
                facts.append((labels["target_groups"], escape(separator.join(node.target_groups))))
            if node.districts:
                facts.append((labels["districts"], escape(separator.join(node.districts))))
            if facts:
                rows = "".join(f"<dt>{term}</dt><dd>{value}</dd>" for term, value in facts)
                parts.append(f'<dl class="plan-facts" aria-label="{labels["facts"]}">{rows}</dl>\n')
        if node.body:
            body_lang = fallbacks.lang(node.id, "body", node.body)
            parts.append(f'<div class="user-text"{body_lang}>{escape(node.body)}</div>\n')
        links = []
        if is_measure:
            more = more_about % {"code": node.measure_code}
            links.append(f'<a href="{escape(options.measure_url(node.measure_code))}">{escape(more)}</a>')
        count = options.counts.get(node.id, 0)
        if count or options.can_comment:
            context = f'<span class="visually-hidden"> ({node.number} {escape(node.title)})</span>'
            url = escape(options.section_url(node.key))
        if count:
            text = ngettext("%(count)s comment", "%(count)s comments", count) % {"count": count}
            links.append(f'<a href="{url}#comments">{escape(text)}{context}</a>')
        if options.can_comment:
            links.append(f'<a href="{url}#comment-form">{comment_label}{context}</a>')
        if links:
            parts.append(f'<p class="plan-links">{" ".join(links)}</p>\n')
        for child in node.children:
            write(child)
        parts.append("</section>\n")

    for root in tree.roots:
        write(root)
    return "".join(parts)


def measure_rows_html(rows: list[PublicMeasureRow], measure_url: Callable[[str], str], fallbacks: Fallbacks) -> str:
    """The rows (``<tr>``) of the list of measures."""
    parts = []
    language = get_language()
    for row in rows:
        url = escape(measure_url(row.code))
        title_lang = fallbacks.lang(row.section_id, "title", row.title)
        parts.append(
            "<tr>"
            f'<td class="plan-code"><bdi>{escape(row.code)}</bdi></td>'
            f'<th scope="row"><a href="{url}"{title_lang}>{escape(row.title)}</a></th>'
            f"<td>{escape(row.field_name)}</td>"
            f"<td><bdi>{escape(row.department)}</bdi></td>"
            f"<td>{status_badge(row.status, row.status_label)}</td>"
            f"<td>{escape(period_text(row.start, row.end, short=True, language=language))}</td>"
            "</tr>\n"
        )
    return "".join(parts)
