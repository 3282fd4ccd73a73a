"""What changed between two versions of the plan (Fassungsvergleich), and the page that shows it.

Sections are paired by their ``key``, which stays the same in every version a section is copied into. A section
is *added* (only in the newer version), *removed* (only in the older one), *changed* (its title, its text or one
of its measure's facts differ: responsible department, partner organisations, target groups, districts, planned
budget, start, end), *moved* (under another parent, or in another place among the siblings it kept), or
*unchanged*. A section can be changed and moved at once. A section whose number changed only because sections
before it were added or removed is not moved; the comparison names its former number.

Where a section was moved among its siblings is found with ``difflib.SequenceMatcher`` over the keys of the
siblings both versions hold; titles, texts and partner organisations are compared word by word with the same
class (``autojunk`` off, so frequent words stay comparable in long texts). Words deleted and inserted are marked
``<del>``/``<ins>`` and also say so in text that is visually hidden (``[deleted: …]``, ``[inserted: …]``), so
that neither colour nor the strike-through alone carries the meaning.

Both versions are read with ``selectors.version_tree`` in the reader's language (cached until the plan or a text
changes), so the comparison is the one of the texts the reader sees. Every value is escaped with ``html.escape``
before it is joined into markup (``rendering`` does the same for the plan's document).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html import escape

import rules
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from teilhabe.core.errors import NotFound
from teilhabe.core.page_cache import cache_public_page
from teilhabe.core.selectors import localise
from teilhabe.core.ui import list_join
from teilhabe.plan.models import PlanVersion, SectionKind, VersionState
from teilhabe.plan.rendering import Fallbacks
from teilhabe.plan.selectors import Node, Tree, version_tree, versions_of
from teilhabe.processes.selectors import process_get_published

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"

# A word with the white space after it; white space at the start of a text stands alone.
_TOKENS = re.compile(r"\S+\s*|\s+")


# --- words -----------------------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _token_key(token: str) -> tuple[str, int]:
    """What a token is compared by: the word, and whether a line ends after it (a new paragraph is a change)."""
    return token.rstrip(), token.count("\n")


@dataclass(frozen=True)
class Marks:
    """The visually hidden words around a deletion and an insertion, in the reader's language (looked up once)."""

    deleted: str
    inserted: str
    end: str

    @classmethod
    def current(cls) -> Marks:
        return cls(
            deleted=escape(gettext("[deleted:")), inserted=escape(gettext("[inserted:")), end=escape(gettext("]"))
        )


def _marked(tag: str, label: str, text: str, marks: Marks) -> str:
    """``text`` in ``<del>`` or ``<ins>``, with its trailing white space after the element (so that the line under
    or through it does not run on into the next word)."""
    word = text.rstrip()
    if not word:
        return escape(text)
    space = text[len(word) :]
    return (
        f'<{tag}><span class="visually-hidden">{label} </span>{escape(word)}'
        f'<span class="visually-hidden">{marks.end}</span></{tag}>{escape(space)}'
    )


def words_html(old: str, new: str, marks: Marks | None = None) -> str:
    """``new`` as markup, the words deleted from ``old`` and inserted into it marked; escaped."""
    if old == new:
        return escape(new)
    marks = marks or Marks.current()
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(
        None, [_token_key(token) for token in old_tokens], [_token_key(token) for token in new_tokens], autojunk=False
    )
    parts = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = "".join(old_tokens[old_start:old_end])
        added = "".join(new_tokens[new_start:new_end])
        if operation == "equal":
            parts.append(escape(added))
        elif operation == "delete":
            parts.append(_marked("del", marks.deleted, removed if removed.endswith(" ") else removed + " ", marks))
        elif operation == "insert":
            parts.append(_marked("ins", marks.inserted, added, marks))
        else:  # replace: the old words, then the new ones
            parts.append(_marked("del", marks.deleted, removed.rstrip() + " ", marks))
            parts.append(_marked("ins", marks.inserted, added, marks))
    html = "".join(parts)
    # A deletion at the very end leaves the space added after it.
    return html[:-1] if html.endswith("</del> ") and not new.endswith(" ") else html


# --- facts of a measure ----------------------------------------------------------------------------------------


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _money(amount) -> str:
    if amount is None:
        return ""
    places = 0 if amount == amount.to_integral_value() else 2
    number = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return gettext("%(amount)s €") % {"amount": number}


@dataclass(frozen=True)
class FactChange:
    """One fact of a measure that differs: its label and its value before and after, as markup."""

    label: str
    before: str
    after: str


def _list_change(label: str, old: tuple[str, ...], new: tuple[str, ...], marks: Marks) -> FactChange:
    """A list (target groups, districts): the items that went marked in the old list, those that came in the new."""
    gone, came = set(old) - set(new), set(new) - set(old)
    before = [_marked("del", marks.deleted, item, marks) if item in gone else escape(item) for item in old]
    after = [_marked("ins", marks.inserted, item, marks) if item in came else escape(item) for item in new]
    return FactChange(label, list_join(before), list_join(after))


def _fact_changes(old: Node, new: Node, marks: Marks, labels: dict[str, str]) -> list[FactChange]:
    changes = []
    if old.measure_code != new.measure_code:
        changes.append(FactChange(labels["code"], escape(old.measure_code), escape(new.measure_code)))
    if old.department_id != new.department_id:
        changes.append(FactChange(labels["department"], escape(old.department), escape(new.department)))
    if old.partners != new.partners:
        changes.append(FactChange(labels["partners"], escape(old.partners), words_html(old.partners, new.partners)))
    if old.target_group_ids != new.target_group_ids:
        changes.append(_list_change(labels["target_groups"], old.target_groups, new.target_groups, marks))
    if old.district_ids != new.district_ids:
        changes.append(_list_change(labels["districts"], old.districts, new.districts, marks))
    if old.budget != new.budget:
        changes.append(FactChange(labels["budget"], escape(_money(old.budget)), escape(_money(new.budget))))
    if old.start != new.start:
        changes.append(FactChange(labels["start"], escape(_date(old.start)), escape(_date(new.start))))
    if old.end != new.end:
        changes.append(FactChange(labels["end"], escape(_date(old.end)), escape(_date(new.end))))
    return changes


def _fact_labels() -> dict[str, str]:
    return {
        "code": escape(gettext("Code")),
        "department": escape(gettext("Responsible department")),
        "partners": escape(gettext("Partner organisations")),
        "target_groups": escape(gettext("Target groups")),
        "districts": escape(gettext("Districts")),
        "budget": escape(gettext("Planned budget")),
        "start": escape(gettext("Start")),
        "end": escape(gettext("End")),
    }


# --- the comparison --------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One section in the comparison, in the reading order of the newer version (a removed section where it
    stood in the older one)."""

    key: str
    section_id: int  # in the newer version; in the older one for a removed section
    kind: str
    state: str  # ADDED, REMOVED, CHANGED or UNCHANGED
    moved: bool
    depth: int
    number: str  # in the newer version; in the older one for a removed section
    old_number: str  # in the older version ("" for an added section)
    title: str  # plain text, as the section is called now (or was called, if removed)
    body: str
    title_html: str  # with the words changed marked
    body_html: str
    facts: list[FactChange] = field(default_factory=list)
    moved_from: str = ""  # the number and title of the parent it stood under before ("" at the top level)
    measure_code: str = ""

    @property
    def is_change(self) -> bool:
        return self.state != UNCHANGED or self.moved

    @property
    def renumbered(self) -> bool:
        return bool(self.old_number) and self.old_number != self.number


@dataclass
class Comparison:
    older: PlanVersion
    newer: PlanVersion
    rows: list[Row]
    counts: dict[str, int]  # added, removed, changed, moved, unchanged

    @property
    def has_changes(self) -> bool:
        return any(self.counts[name] for name in (ADDED, REMOVED, CHANGED, "moved"))


def _moved_among_siblings(old_tree: Tree, new_tree: Tree, old_nodes: dict[str, Node]) -> set[str]:
    """Keys of sections that kept their parent but not their place among the siblings both versions hold: the
    ones outside the longest common order of those siblings."""
    moved: set[str] = set()
    old_children = {None: old_tree.roots, **{node.key: node.children for node in old_tree.nodes}}
    for parent_key, children in [(None, new_tree.roots), *((node.key, node.children) for node in new_tree.nodes)]:
        if len(children) < 2 or parent_key not in old_children:
            continue
        new_order = [child.key for child in children if child.key in old_nodes]
        kept = set(new_order)
        old_order = [child.key for child in old_children[parent_key] if child.key in kept]
        if old_order == new_order:
            continue
        matcher = SequenceMatcher(None, old_order, new_order, autojunk=False)
        in_place = {key for block in matcher.get_matching_blocks() for key in new_order[block.b : block.b + block.size]}
        moved.update(kept - in_place)
    return moved


def compare_trees(old_tree: Tree, new_tree: Tree) -> tuple[list[Row], dict[str, int]]:
    """Every section of both trees as a row, in the newer tree's reading order, and how many of each kind."""
    marks, labels = Marks.current(), _fact_labels()
    old_nodes, new_nodes = old_tree.by_key(), new_tree.by_key()
    moved_in_place = _moved_among_siblings(old_tree, new_tree, old_nodes)
    counts = {ADDED: 0, REMOVED: 0, CHANGED: 0, "moved": 0, UNCHANGED: 0}

    def paired_row(old: Node, new: Node) -> Row:
        facts = _fact_changes(old, new, marks, labels) if new.kind == SectionKind.MEASURE else []
        changed = old.title != new.title or old.body != new.body or bool(facts)
        moved = old.parent_key != new.parent_key or new.key in moved_in_place
        moved_from = ""
        if moved and old.parent_key is not None:
            parent = old_nodes[old.parent_key]
            moved_from = f"{parent.number} {parent.title}".strip()
        counts[CHANGED if changed else UNCHANGED] += 1
        counts["moved"] += moved
        return Row(
            key=new.key,
            section_id=new.id,
            kind=new.kind,
            state=CHANGED if changed else UNCHANGED,
            moved=moved,
            depth=new.depth,
            number=new.number,
            old_number=old.number,
            title=new.title,
            body=new.body,
            title_html=words_html(old.title, new.title, marks),
            body_html=words_html(old.body, new.body, marks) if changed else escape(new.body),
            facts=facts,
            moved_from=moved_from,
            measure_code=new.measure_code,
        )

    def single_row(node: Node, state: str) -> Row:
        counts[state] += 1
        return Row(
            key=node.key,
            section_id=node.id,
            kind=node.kind,
            state=state,
            moved=False,
            depth=node.depth,
            number=node.number,
            old_number=node.number if state == REMOVED else "",
            title=node.title,
            body=node.body,
            title_html=escape(node.title),
            body_html=escape(node.body),
            measure_code=node.measure_code,
        )

    # A removed section is shown where it stood: after the nearest earlier sibling the newer version still has
    # (and that sibling's sections), or first under its parent. Sections under it that the newer version keeps
    # elsewhere are shown there, as moved.
    after: dict[str, list[Node]] = {}
    first_under: dict[str | None, list[Node]] = {}
    old_children = {None: old_tree.roots, **{node.key: node.children for node in old_tree.nodes}}
    for node in old_tree.nodes:
        if node.key in new_nodes or (node.parent_key is not None and node.parent_key not in new_nodes):
            continue  # kept, or inside a removed section (it comes with that one)
        siblings = old_children[node.parent_key]
        index = next(position for position, sibling in enumerate(siblings) if sibling.key == node.key)
        anchor = next((sibling.key for sibling in reversed(siblings[:index]) if sibling.key in new_nodes), None)
        if anchor is not None:
            after.setdefault(anchor, []).append(node)
        else:
            first_under.setdefault(node.parent_key, []).append(node)

    rows: list[Row] = []

    def removed(node: Node) -> None:
        rows.append(single_row(node, REMOVED))
        for child in node.children:
            if child.key not in new_nodes:
                removed(child)

    def emit(node: Node) -> None:
        old = old_nodes.get(node.key)
        rows.append(paired_row(old, node) if old is not None else single_row(node, ADDED))
        for gone in first_under.get(node.key, ()):
            removed(gone)
        for child in node.children:
            emit(child)
            for gone in after.get(child.key, ()):
                removed(gone)

    for gone in first_under.get(None, ()):
        removed(gone)
    for root in new_tree.roots:
        emit(root)
        for gone in after.get(root.key, ()):
            removed(gone)
    return rows, counts


def compare_versions(older: PlanVersion, newer: PlanVersion, language: str) -> Comparison:
    """What changed from ``older`` to ``newer`` (any two versions of one process), in ``language``."""
    rows, counts = compare_trees(version_tree(older, language), version_tree(newer, language))
    return Comparison(older=older, newer=newer, rows=rows, counts=counts)


# --- the comparison as markup ----------------------------------------------------------------------------------


def _state_text(row: Row) -> str:
    if row.state == ADDED:
        text = gettext("Added")
    elif row.state == REMOVED:
        text = gettext("Removed")
    elif row.state == CHANGED:
        text = gettext("Changed")
    else:
        text = gettext("Unchanged")
    if row.moved and row.state == UNCHANGED:
        if row.moved_from:
            return gettext("Moved from %(number)s, under “%(parent)s”") % {
                "number": row.old_number,
                "parent": row.moved_from,
            }
        return gettext("Moved from %(number)s") % {"number": row.old_number}
    if row.moved:
        if row.moved_from:
            moved = gettext("moved from %(number)s, under “%(parent)s”") % {
                "number": row.old_number,
                "parent": row.moved_from,
            }
        else:
            moved = gettext("moved from %(number)s") % {"number": row.old_number}
        text = gettext("%(state)s, %(moved)s") % {"state": text, "moved": moved}
    elif row.renumbered:
        text = gettext("%(state)s, formerly %(number)s") % {"state": text, "number": row.old_number}
    return text


def _facts_html(row: Row, caption: str, headings: tuple[str, str, str]) -> str:
    if not row.facts:
        return ""
    cells = "".join(
        f'<tr><th scope="row">{fact.label}</th><td>{fact.before}</td><td>{fact.after}</td></tr>' for fact in row.facts
    )
    fact, before, after = headings
    return (
        f'<table class="plan-diff-facts"><caption>{caption}</caption>'
        f'<thead><tr><th scope="col">{fact}</th><th scope="col">{before}</th><th scope="col">{after}</th></tr></thead>'
        f"<tbody>{cells}</tbody></table>\n"
    )


def comparison_html(comparison: Comparison, *, only_changes: bool, fallbacks: Fallbacks | None = None) -> str:
    """The rows as markup: each changed, added, removed or moved section with its marks; runs of unchanged
    sections collapsed into a ``<details>`` list (left out with ``only_changes``). ``fallbacks`` marks the texts
    shown in German on a page in another language (``lang="de"``)."""

    def lang(row: Row, field: str, text: str) -> str:
        return fallbacks.lang(row.section_id, field, text) if fallbacks is not None else ""

    caption = escape(gettext("Facts of the measure that changed"))
    headings = (escape(gettext("Fact")), escape(gettext("Before")), escape(gettext("After")))
    unchanged_label = gettext("Unchanged")
    parts: list[str] = []
    run: list[Row] = []

    def flush() -> None:
        if not run:
            return
        if not only_changes:
            summary = ngettext("%(count)s unchanged section", "%(count)s unchanged sections", len(run)) % {
                "count": len(run)
            }
            items = "".join(
                f'<li class="plan-diff-depth-{min(row.depth, 4)}"><bdi class="plan-number">{escape(row.number)}</bdi> '
                f"<span{lang(row, 'title', row.title)}>{escape(row.title)}</span>{_renumbered_note(row)}</li>"
                for row in run
            )
            parts.append(
                f'<details class="plan-diff-collapsed"><summary>{escape(summary)}</summary>'
                f'<ul aria-label="{escape(unchanged_label)}">{items}</ul></details>\n'
            )
        run.clear()

    for row in comparison.rows:
        if not row.is_change:
            run.append(row)
            continue
        flush()
        state = escape(_state_text(row))
        code = f' <span class="plan-code">{escape(row.measure_code)}</span>' if row.measure_code else ""
        parts.append(
            f'<section class="plan-diff-row plan-diff-{row.state}{" plan-diff-moved" if row.moved else ""} '
            f'plan-diff-depth-{min(row.depth, 4)}" id="d-{row.key}" aria-labelledby="dh-{row.key}">\n'
            f'<h3 id="dh-{row.key}"><bdi class="plan-number">{escape(row.number)}</bdi> '
            f"<span{lang(row, 'title', row.title)}>{row.title_html}</span></h3>\n"
            f'<p class="plan-diff-state"><strong>{state}</strong>{code}</p>\n'
        )
        if row.body_html:
            parts.append(f'<div class="user-text plan-diff-body"{lang(row, "body", row.body)}>{row.body_html}</div>\n')
        parts.append(_facts_html(row, caption, headings))
        parts.append("</section>\n")
    flush()
    return "".join(parts)


def _renumbered_note(row: Row) -> str:
    if not row.renumbered:
        return ""
    note = gettext("formerly %(number)s") % {"number": row.old_number}
    return f' <span class="meta">({escape(note)})</span>'


# --- the page --------------------------------------------------------------------------------------------------


def _viewable_versions(user, process) -> list[PlanVersion]:
    """The versions the reader may see, oldest first: the published ones, and the working draft for staff."""
    versions = versions_of(process, published_only=not getattr(user, "is_authenticated", False))
    viewable = []
    for version in versions:
        version.process = process
        if rules.has_perm("plan.view_version", user, version):
            viewable.append(version)
    return viewable


def version_label(version: PlanVersion, language: str) -> str:
    """A version as a choice names it: number, title and state."""
    title = localise(version, "title", language).text
    if version.state == VersionState.ADOPTED:
        state = gettext("adopted on %(date)s") % {"date": _date(version.adopted_on)}
    elif version.state == VersionState.CONSULTATION:
        state = gettext("draft for consultation")
    else:
        state = gettext("working draft")
    return gettext("Version %(number)s: %(title)s (%(state)s)") % {
        "number": version.number,
        "title": title,
        "state": state,
    }


def _page_versions(request, slug):
    from teilhabe.plan.page_versions import plan_page_versions

    return plan_page_versions(slug)


def _with_defaults(query: dict, versions: list[PlanVersion], defaults: dict) -> dict:
    """The query with what it leaves out: ``?zu=N`` alone compares N with the version before it (a version's
    page links so), ``?von=N`` alone N with the newest; neither, the two newest."""
    data = dict(query)
    numbers = [str(version.number) for version in versions]
    if "von" not in data and data.get("zu") in numbers:
        index = numbers.index(data["zu"])
        data["von"] = numbers[index - 1] if index > 0 else data["zu"]
    data.setdefault("von", defaults.get("von", ""))
    data.setdefault("zu", numbers[-1] if numbers else "")
    return data


@cache_public_page(_page_versions, params=("von", "zu", "nur"))
def diff_view(request, slug):
    """``/p/<slug>/plan/vergleich/?von=N&zu=M``: what changed from version N to version M. Without parameters,
    the two newest versions the reader may see; ``nur=aenderungen`` leaves the unchanged sections out."""
    from teilhabe.plan.forms import VersionCompareForm

    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    language = translation.get_language() or settings.LANGUAGE_CODE
    versions = _viewable_versions(request.user, process)
    choices = [(str(version.number), version_label(version, language)) for version in reversed(versions)]
    by_number = {str(version.number): version for version in versions}
    defaults = {}
    if len(versions) >= 2:
        defaults = {"von": str(versions[-2].number), "zu": str(versions[-1].number)}
    bound = any(name in request.GET for name in ("von", "zu", "nur"))
    data = _with_defaults(request.GET.dict(), versions, defaults) if bound else None
    form = VersionCompareForm(data, choices=choices, initial=defaults)
    comparison, status = None, 200
    if bound and not form.is_valid():
        status = 400
    else:
        numbers = form.cleaned_data if bound else defaults
        if numbers.get("von") and numbers.get("zu"):
            comparison = compare_versions(by_number[numbers["von"]], by_number[numbers["zu"]], language)
    only_changes = bool(bound and form.is_valid() and form.cleaned_data.get("nur"))
    fallbacks = Fallbacks(language)
    context = {
        "process": process,
        "form": form,
        "versions": versions,
        "comparison": comparison,
        "only_changes": only_changes,
        "older_label": version_label(comparison.older, language) if comparison else "",
        "newer_label": version_label(comparison.newer, language) if comparison else "",
        "rows_html": comparison_html(comparison, only_changes=only_changes, fallbacks=fallbacks) if comparison else "",
        "plan_url": reverse("plan:plan", kwargs={"slug": process.slug}),
    }
    if fallbacks.any:
        request._translation_fell_back = True  # the page's note says that some texts are in German
    return render(request, "plan/diff.html", context, status=status)
