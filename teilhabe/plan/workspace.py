"""The coordinators' and department staff's plan pages under ``/verwaltung/``: the versions of a process's plan
(start a working draft, change its title, put it out for consultation, record its adoption), the section
editor, the translations of a section's texts, comments on a draft that came on paper, the measures' status,
and the links from a contribution's work page to the measures it led to.

The section editor works for two owners: a plan version (the working draft) and an expert group's draft. Its
views take an ``Editor`` that says whose sections they are and under which URL names its pages are found, so
the expert groups' pages (``groups.py``) call the same functions with their own ``Editor``:

    editor_view(request, editor)                  the tree with the actions on each section
    section_add_view(request, editor)             ?kind=…&parent=<key>: a new section (GET form, POST)
    section_edit_view(request, editor, key)       a section's form (GET, POST)
    section_move_view(request, editor, key)       POST direction=up|down
    section_remove_view(request, editor, key)     a confirmation (GET), then POST
    section_translate_view(request, editor, key)  ?sprache=<code>: the translations of its texts (GET, POST)

Each expects the URL names ``<url_prefix>editor``, ``section_add``, ``section_edit``, ``section_move``,
``section_remove`` and ``section_translate`` with ``url_kwargs`` (and ``key`` for a section's pages).
Views parse input with forms, call a selector or service and render; permissions are asked once per page.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teilhabe.administration.selectors import department_choices, disposition_current
from teilhabe.contributions.selectors import contribution_get
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.selectors import localise
from teilhabe.core.ui import apply_errors
from teilhabe.plan import selectors, services
from teilhabe.plan.forms import (
    MeasureFilterForm,
    MeasureLinkForm,
    MeasureStatusForm,
    SectionCommentForm,
    SectionForm,
    SectionMoveForm,
    SectionTranslationForm,
    VersionAdoptForm,
    VersionConsultForm,
    VersionCreateForm,
    VersionEditForm,
    VersionTranslationForm,
)
from teilhabe.plan.models import (
    ALLOWED_CHILDREN,
    ExpertGroup,
    PlanVersion,
    Section,
    SectionKind,
    VersionState,
)
from teilhabe.processes.selectors import process_phases

# == the section editor, for a working draft and for an expert group's draft ===================================

ADD_LABELS = {
    SectionKind.TEXT: gettext_lazy("Add a text section"),
    SectionKind.FIELD: gettext_lazy("Add a field of action"),
    SectionKind.GOAL: gettext_lazy("Add a goal"),
    SectionKind.MEASURE: gettext_lazy("Add a measure"),
}
NEW_TITLES = {
    SectionKind.TEXT: gettext_lazy("New text section"),
    SectionKind.FIELD: gettext_lazy("New field of action"),
    SectionKind.GOAL: gettext_lazy("New goal"),
    SectionKind.MEASURE: gettext_lazy("New measure"),
}
EDIT_TITLES = {
    SectionKind.TEXT: gettext_lazy("Change the text section %(number)s"),
    SectionKind.FIELD: gettext_lazy("Change the field of action %(number)s"),
    SectionKind.GOAL: gettext_lazy("Change the goal %(number)s"),
    SectionKind.MEASURE: gettext_lazy("Change the measure %(number)s"),
}
_SENTINEL_KEY = uuid.UUID(int=0)  # reversed once, replaced by each section's key


@dataclass
class Editor:
    """Whose sections the editor shows and changes, and where its pages are.

    ``owner``: a ``PlanVersion`` or an ``ExpertGroup`` (its draft); ``url_prefix`` and ``url_kwargs``: the
    editor's URL names (``<url_prefix>editor`` …) and their arguments; ``title``: what the pages' headings call
    the draft; ``breadcrumbs``: (label, URL) pairs up to the editor; ``top_kinds``: the kinds of section that
    may be added at the top level (by default those of ``ALLOWED_CHILDREN[None]``; an expert group's draft is
    its one field of action, so its pages pass ``()``).
    """

    owner: PlanVersion | ExpertGroup
    process: object
    url_prefix: str
    url_kwargs: dict
    title: str
    breadcrumbs: tuple = ()
    top_kinds: tuple | None = None

    @property
    def is_version(self) -> bool:
        return isinstance(self.owner, PlanVersion)

    @property
    def is_published(self) -> bool:
        return self.is_version and self.owner.state != VersionState.WORKING

    def url(self, name: str, **extra) -> str:
        return reverse(f"{self.url_prefix}{name}", kwargs={**self.url_kwargs, **extra})

    def editor_url(self, key=None) -> str:
        return self.url("editor") + (f"#s-{key}" if key else "")

    def section_url_for(self, name: str):
        """A function giving the URL of a section's page by its key, reversed once per page."""
        template = self.url(name, key=_SENTINEL_KEY)
        return lambda key: template.replace(str(_SENTINEL_KEY), str(key))

    def add_url(self, kind: str, parent_key=None) -> str:
        query = {"kind": kind, **({"parent": parent_key} if parent_key else {})}
        return f"{self.url('section_add')}?{urlencode(query)}"

    def kinds_below(self, kind) -> tuple:
        if kind is None:
            return tuple(self.top_kinds) if self.top_kinds is not None else ALLOWED_CHILDREN[None]
        return ALLOWED_CHILDREN[kind]

    def probe(self) -> Section:
        """An unsaved section of the owner: asks a permission about any of its sections once per page."""
        return Section(version=self.owner) if self.is_version else Section(group=self.owner)

    def may_view(self, user) -> bool:
        if self.is_version:
            return _may_work(user, self.process) and rules.has_perm("plan.view_version", user, self.owner)
        return rules.has_perm("plan.view_expert_group", user, self.owner)

    def may_edit(self, user) -> bool:
        perm = "plan.edit_version" if self.is_version else "plan.work_in_expert_group"
        return rules.has_perm(perm, user, self.owner)

    def tree(self):
        """The sections in German, the language they are written in."""
        if self.is_version:
            return selectors.version_tree(self.owner, settings.LANGUAGE_CODE)
        return selectors.group_draft_tree(self.owner, settings.LANGUAGE_CODE)

    def section(self, key) -> Section:
        section = selectors.workspace_section(owner=self.owner, key=key)
        if section is None:
            raise NotFound()
        return section


def _may_work(user, process) -> bool:
    """Whether someone works on the process's plan: its coordinators, and whoever sees its working draft
    (department staff, expert group members) — asked of a working draft of the process."""
    return rules.has_perm("plan.create_version", user, process) or rules.has_perm(
        "plan.view_version", user, PlanVersion(process=process, state=VersionState.WORKING)
    )


def _check(request, editor: Editor, *, edit: bool = False) -> None:
    """403 for someone who may not see (or change) the draft; 409 for a change of a published version, which
    nobody may change (a coordinator starts a new version instead)."""
    user = request.user
    if not editor.may_view(user):
        raise NotAllowed()
    if not edit:
        return
    if editor.is_version:
        if not rules.has_perm("plan.create_version", user, editor.process):  # the coordinators' permission
            raise NotAllowed()
        if editor.is_published:
            raise Conflict(_("A published version cannot be changed: start a new version."))
    if not editor.may_edit(user):
        raise NotAllowed()


def attempt(form, run, *, fields: dict | None = None):
    """Run a service for a valid form: (its result, None), or (None, the status) with the refusal put on the
    form (a field's error at the field; ``fields``: the form's name of a service's argument, where they differ).
    A missing object stays a 404. The expert groups' pages use it too."""
    try:
        return run(), None
    except ApplicationError as error:
        if isinstance(error, NotFound):
            raise
        if fields:
            error.field_errors = {fields.get(name, name): message for name, message in error.field_errors.items()}
        apply_errors(form, error)
        return None, error.status_code


@dataclass
class EditorItem:
    """A section in the editor's tree with its actions."""

    node: object
    level: int  # its heading's level
    first: bool
    last: bool
    comments: int = 0
    adds: list = field(default_factory=list)  # (label, URL) of the kinds that may be added below it
    urls: dict = field(default_factory=dict)
    children: list = field(default_factory=list)


def _add_label(kind, parent_kind) -> str:
    if kind == SectionKind.TEXT and parent_kind == SectionKind.TEXT:
        return _("Add a subsection")
    return ADD_LABELS[kind]


def _editor_items(editor: Editor, nodes, *, can_edit, can_translate, can_comment, counts) -> list[EditorItem]:
    names = ["section_edit", "section_move", "section_remove"] if can_edit else []
    url_for = {name: editor.section_url_for(name) for name in names}
    if can_translate:
        url_for["section_translate"] = editor.section_url_for("section_translate")
    if can_comment:
        url_for["section_comment"] = editor.section_url_for("section_comment")

    def build(nodes) -> list[EditorItem]:
        items = []
        for index, node in enumerate(nodes):
            item = EditorItem(
                node=node,
                level=min(node.depth + 2, 6),
                first=index == 0,
                last=index == len(nodes) - 1,
                comments=counts.get(node.id, 0),
                urls={name: url(node.key) for name, url in url_for.items()},
                children=build(node.children),
            )
            if can_edit:
                item.adds = [
                    (_add_label(kind, node.kind), editor.add_url(kind, node.key))
                    for kind in editor.kinds_below(node.kind)
                ]
            items.append(item)
        return items

    return build(nodes)


def _amount(value) -> str:
    """An amount of euros with two decimals and the reader's separators (as ``floatformat:"2g"``)."""
    return formats.number_format(value, decimal_pos=2, force_grouping=True)


KIND_LABELS = {
    SectionKind.TEXT: gettext_lazy("Text section"),
    SectionKind.FIELD: gettext_lazy("Field of action"),
    SectionKind.GOAL: gettext_lazy("Goal"),
    SectionKind.MEASURE: gettext_lazy("Measure"),
}


def _tree_html(items, request) -> str:
    """The editor's tree as HTML, written here rather than by a template: a plan has a few hundred sections, and
    each value is escaped as a template would (``docs/rendering.md``, layer 3)."""
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    kinds = {kind: escape(str(label)) for kind, label in KIND_LABELS.items()}
    words = {
        "section_edit": escape(_("Change")),
        "section_remove": escape(_("Remove")),
        "section_translate": escape(_("Translations")),
        "section_comment": escape(_("Enter a comment from paper")),
    }
    move = {"up": escape(_("Move up")), "down": escape(_("Move down"))}
    out: list[str] = []

    def date(value) -> str:
        if value is None:
            return ""
        return f'<time datetime="{value.isoformat()}">{escape(formats.date_format(value, "SHORT_DATE_FORMAT"))}</time>'

    def walk(items) -> None:
        out.append('<ol class="plan-work-tree-list">')
        for item in items:
            node = item.node
            name = f"{escape(node.number)} {escape(node.title)}"
            hidden = f'<span class="visually-hidden"> {name}</span>'
            out.append(
                f'<li class="plan-work-node plan-work-node-{escape(node.kind)}" id="s-{escape(node.key)}">'
                f'<h{item.level} class="plan-work-node-title"><span class="plan-work-number">{escape(node.number)}'
                f'</span> <bdi lang="de">{escape(node.title)}</bdi></h{item.level}>'
            )
            facts = [kinds[node.kind]]
            if node.kind == SectionKind.MEASURE:
                facts[0] += f' <bdi lang="de">{escape(node.measure_code)}</bdi>'
                facts.append(
                    f'<span class="plan-status plan-status-{escape(node.status)}">{escape(node.status_label)}</span>'
                )
                if node.department:
                    facts.append(f'<bdi lang="de">{escape(node.department)}</bdi>')
                if node.budget is not None:
                    amount = _("%(amount)s EUR") % {"amount": _amount(node.budget)}
                    facts.append(f"<bdi>{escape(amount)}</bdi>")
                if node.start or node.end:
                    facts.append(f"<bdi>{date(node.start)} – {date(node.end)}</bdi>")
            if item.comments:
                counted = ngettext("%(count)d comment", "%(count)d comments", item.comments)
                facts.append(escape(counted % {"count": item.comments}))
            out.append(f'<p class="meta">{" · ".join(facts)}</p>')
            if node.body:
                body = escape(Truncator(node.body).words(50))
                out.append(f'<div class="user-text plan-work-body" lang="de" dir="auto">{body}</div>')
            actions = []
            urls = item.urls
            if "section_edit" in urls:
                actions.append(f'<a href="{escape(urls["section_edit"])}">{words["section_edit"]}{hidden}</a>')
            if "section_move" in urls:
                for direction, shown in (("up", not item.first), ("down", not item.last)):
                    if shown:
                        actions.append(
                            f'<form method="post" action="{escape(urls["section_move"])}">{csrf}'
                            f'<input type="hidden" name="direction" value="{direction}">'
                            f'<button type="submit" class="link-button">{move[direction]}{hidden}</button></form>'
                        )
            for key in ("section_remove", "section_translate", "section_comment"):
                if key in urls:
                    actions.append(f'<a href="{escape(urls[key])}">{words[key]}{hidden}</a>')
            if item.adds:
                below = escape(_("below %(number)s") % {"number": node.number})
                for label, url in item.adds:
                    actions.append(
                        f'<a href="{escape(url)}">{escape(label)}<span class="visually-hidden"> {below}</span></a>'
                    )
            if actions:
                out.append('<ul class="plan-work-actions">')
                out.extend(f"<li>{action}</li>" for action in actions)
                out.append("</ul>")
            if item.children:
                walk(item.children)
            out.append("</li>")
        out.append("</ol>")

    walk(items)
    return mark_safe("".join(out))  # noqa: S308  (every value above is escaped)


@login_required
def editor_view(request, editor: Editor, *, error=None, status=200):
    """The draft's tree: each section with its actions (change, move, remove, add below, translate, and on a
    draft out for consultation, enter a comment from paper). A published version is shown read-only."""
    _check(request, editor)
    user = request.user
    can_edit = not editor.is_published and editor.may_edit(user)
    probe = editor.probe()
    can_translate = rules.has_perm("plan.translate_section", user, probe)
    can_comment = editor.is_version and rules.has_perm("plan.enter_section_comment", user, probe)
    counts = selectors.section_comment_counts(editor.owner) if editor.is_published else {}
    tree = editor.tree()
    items = _editor_items(
        editor, tree.roots, can_edit=can_edit, can_translate=can_translate, can_comment=can_comment, counts=counts
    )
    top_adds = [(ADD_LABELS[kind], editor.add_url(kind)) for kind in editor.kinds_below(None)] if can_edit else []
    return render(
        request,
        "plan/work_editor.html",
        {
            "editor": editor,
            "process": editor.process,
            "tree_html": _tree_html(items, request) if items else "",
            "toc": [(node.number, node.title, node.anchor) for node in tree.roots],
            "section_count": len(tree.nodes),
            "can_edit": can_edit,
            "can_comment": can_comment,
            "top_adds": top_adds,
            "error_message": error,
        },
        status=status,
    )


def _section_page(request, editor, template, context, status):
    return render(
        request,
        template,
        {"editor": editor, "process": editor.process, **context},
        status=status,
    )


@login_required
def section_add_view(request, editor: Editor):
    """A new section of the kind ``?kind=`` below the section ``?parent=`` (its key; none: the top level)."""
    _check(request, editor, edit=True)
    kind, parent_key = request.GET.get("kind", ""), request.GET.get("parent", "")
    parent = None
    if parent_key:
        parent = selectors.workspace_section(owner=editor.owner, key=parent_key)
        if parent is None:
            raise ApplicationError(_("Please choose a section of this draft."))
    if kind not in editor.kinds_below(parent.kind if parent else None):
        raise ApplicationError(_("A section of this kind cannot be placed here."))
    options = {"process": editor.process, "kind": kind, "new": True, "auto_id": "section_%s"}
    status = 200
    if request.method == "POST":
        form = SectionForm(request.POST, **options)
        status = 400
        if form.is_valid():
            code = form.cleaned_data.get("code", "")
            section, status = attempt(
                form,
                lambda: services.section_add(
                    user=request.user, owner=editor.owner, kind=kind, parent=parent, code=code, **form.values()
                ),
            )
            if section is not None:
                messages.success(request, _("“%(title)s” was added.") % {"title": section.title})
                return redirect(editor.editor_url(section.key))
    else:
        form = SectionForm(**options)
    return _section_page(
        request,
        editor,
        "plan/work_section_form.html",
        {
            "form": form,
            "heading": NEW_TITLES[kind],
            "parent": parent,
            "action": request.get_full_path(),
            "back": editor.editor_url(parent.key if parent else None),
        },
        status,
    )


def _section_initial(section: Section) -> dict:
    return {
        "title": section.title,
        "body": section.body,
        "field_of_action": section.field_of_action_id,
        "department": section.department_id,
        "partners": section.partners,
        "target_groups": [group.pk for group in section.target_groups.all()],
        "districts": [district.pk for district in section.districts.all()],
        "budget": section.budget,
        "start": section.start,
        "end": section.end,
    }


@login_required
def section_edit_view(request, editor: Editor, key):
    _check(request, editor, edit=True)
    section = editor.section(key)
    options = {"process": editor.process, "kind": section.kind, "new": False, "auto_id": "section_%s"}
    status = 200
    if request.method == "POST":
        form = SectionForm(request.POST, **options)
        status = 400
        if form.is_valid():
            done, status = attempt(
                form, lambda: services.section_update(user=request.user, section=section, **form.values())
            )
            if done is not None:
                messages.success(request, _("“%(title)s” was saved.") % {"title": done.title})
                return redirect(editor.editor_url(section.key))
    else:
        form = SectionForm(initial=_section_initial(section), **options)
    return _section_page(
        request,
        editor,
        "plan/work_section_form.html",
        {
            "form": form,
            "section": section,
            "heading": EDIT_TITLES[section.kind] % {"number": section.number},
            "action": request.path,
            "back": editor.editor_url(section.key),
        },
        status,
    )


@require_POST
@login_required
def section_move_view(request, editor: Editor, key):
    _check(request, editor, edit=True)
    section = editor.section(key)
    form = SectionMoveForm(request.POST)
    if not form.is_valid():
        return editor_view(request, editor, error=_("Please choose up or down."), status=400)
    direction = form.cleaned_data["direction"]
    try:
        services.section_move(user=request.user, section=section, direction=direction)
    except ApplicationError as error:
        if isinstance(error, NotFound):
            raise
        return editor_view(request, editor, error=error.message, status=error.status_code)
    message = _("“%(title)s” was moved up.") if direction == "up" else _("“%(title)s” was moved down.")
    messages.success(request, message % {"title": section.title})
    return redirect(editor.editor_url(section.key))


def _subtree_size(tree, key) -> int:
    by_key = tree.by_key()
    stack, count = [by_key[key]] if key in by_key else [], 0
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(node.children)
    return count


@login_required
def section_remove_view(request, editor: Editor, key):
    """A confirmation, then the section and everything below it are removed from the draft (measures keep their
    history and links)."""
    _check(request, editor, edit=True)
    section = editor.section(key)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.section_remove(user=request.user, section=section)
        except ApplicationError as refusal:
            if isinstance(refusal, NotFound):
                raise
            error, status = refusal.message, refusal.status_code
        else:
            messages.success(request, _("“%(title)s” was removed.") % {"title": section.title})
            return redirect(editor.editor_url(section.parent.key if section.parent_id else None))
    return _section_page(
        request,
        editor,
        "plan/work_section_remove.html",
        {
            "section": section,
            "below": _subtree_size(editor.tree(), str(section.key)) - 1,
            "error_message": error,
            "back": editor.editor_url(section.key),
        },
        status,
    )


def _translation_languages():
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _translations(request, *, obj, form_class, names, existing, save, back) -> tuple[object, dict, int]:
    """The shared part of a translations page: the languages with what is missing, and the form for one
    language (``?sprache=``). ``save(language, texts)`` stores them. Returns (redirect or None, context, status)."""
    languages = _translation_languages()
    rows = [
        {
            "code": code,
            "name": name,
            "states": [(field_name, existing.get((field_name, code), ("", "missing"))[1]) for field_name in names],
            "complete": all((field_name, code) in existing for field_name in names),
        }
        for code, name in languages
    ]
    missing = [row["code"] for row in rows if not row["complete"]]
    language = request.GET.get("sprache") or (missing[0] if missing else languages[0][0])
    if language not in dict(languages):
        raise ApplicationError(_("Please choose a language from the list."))
    options = {"fields": names, "language": language, "auto_id": "translation_%s"}
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **options)
        status = 400
        if form.is_valid():
            texts = {name: form.cleaned_data[name] for name in names if form.cleaned_data.get(name)}
            done, status = attempt(form, lambda: save(language, texts))
            if status is None:
                messages.success(
                    request, _("The translation into %(language)s was saved.") % {"language": dict(languages)[language]}
                )
                later = [code for code in missing if code != language]
                following = later[0] if later else language
                return redirect(f"{request.path}?{urlencode({'sprache': following})}"), {}, 302
    else:
        form = form_class(initial={name: existing.get((name, language), ("", ""))[0] for name in names}, **options)
    context = {
        "form": form,
        "originals": [(form[name], getattr(obj, name)) for name in names if name in form.fields],
        "rows": rows,
        "field_labels": {name: type(obj)._meta.get_field(name).verbose_name for name in names},
        "language": language,
        "language_name": dict(languages)[language],
        "language_bidi": language.split("-")[0] in settings.LANGUAGES_BIDI,
        "action": f"{request.path}?{urlencode({'sprache': language})}",
        "back": back,
    }
    return None, context, status


@login_required
def section_translate_view(request, editor: Editor, key):
    """The translations of a section's texts, one language at a time (``?sprache=``), with the languages still
    missing. Published versions keep their German text; their translations may still be added and corrected."""
    _check(request, editor)
    section = editor.section(key)
    if not rules.has_perm("plan.translate_section", request.user, section):
        raise NotAllowed()
    response, context, status = _translations(
        request,
        obj=section,
        form_class=SectionTranslationForm,
        names=[name for name in Section.translatable_fields if getattr(section, name)],
        existing=selectors.translations_of(section),
        save=lambda language, texts: services.section_translations_set(
            user=request.user, section=section, language=language, texts=texts
        ),
        back=editor.editor_url(section.key),
    )
    if response is not None:
        return response
    return _section_page(request, editor, "plan/work_section_translate.html", {"section": section, **context}, status)


# == versions of a process's plan ===============================================================================


def _staff_process(request, slug):
    process = selectors.workspace_process(slug)
    if process is None:
        raise NotFound()
    if not _may_work(request.user, process):
        raise NotAllowed()
    return process


def _version_of(process, number) -> PlanVersion:
    version = selectors.version_get(process, number)
    if version is None:
        raise NotFound()
    return version


def _crumbs(process) -> tuple:
    return (
        (_("Workspace"), reverse("administration:workspace")),
        (_("Plan"), reverse("plan:work_versions", kwargs={"slug": process.slug})),
    )


def version_editor(request, slug, number) -> Editor:
    """The editor of a version of a process's plan (read-only once it is published)."""
    process = _staff_process(request, slug)
    version = _version_of(process, number)
    return Editor(
        owner=version,
        process=process,
        url_prefix="plan:work_",
        url_kwargs={"slug": process.slug, "number": version.number},
        title=_("Version %(number)s: %(title)s") % {"number": version.number, "title": version.title},
        breadcrumbs=_crumbs(process),
    )


@login_required
def versions_view(request, slug):
    """Every version of the plan with its state, dates and document number, and what the person may do."""
    process = _staff_process(request, slug)
    user = request.user
    rows = selectors.workspace_versions(process)
    working = next((row.version for row in rows if row.version.state == VersionState.WORKING), None)
    coordinates = rules.has_perm("plan.publish_version", user, process)
    translates = rules.has_perm("plan.translate_version", user, process)  # decided for the process, not per row
    items = []
    for row in rows:
        version = row.version
        is_working = version.state == VersionState.WORKING
        items.append(
            {
                "row": row,
                "version": version,
                "kwargs": {"slug": process.slug, "number": version.number},
                "can_edit": is_working and rules.has_perm("plan.edit_version", user, version),
                "can_consult": is_working and coordinates,
                "can_translate": translates,
                "can_adopt": version.state != VersionState.ADOPTED and coordinates,
                "comments_open": version.state == VersionState.CONSULTATION
                and coordinates
                and selectors.version_comments_open(version),
            }
        )
    return render(
        request,
        "plan/work_versions.html",
        {
            "process": process,
            "items": items,
            "working": working,
            "can_create": working is None and rules.has_perm("plan.create_version", user, process),
            "can_see_measures": selectors.measure_scope(user, process) != frozenset(),
            "crumbs": _crumbs(process)[:1],
        },
    )


def _coordinator_only(request, process, perm="plan.publish_version") -> None:
    if not rules.has_perm(perm, request.user, process):
        raise NotAllowed()


@login_required
def version_create_view(request, slug):
    """A new working draft, a copy of a chosen version (the newest by default)."""
    process = _staff_process(request, slug)
    _coordinator_only(request, process, "plan.create_version")
    if selectors.version_working(process) is not None:
        raise Conflict(_("There is a working draft already: change it, or publish it first."))
    versions = list(reversed(selectors.versions_of(process, published_only=False)))
    by_number = {version.number: version for version in versions}
    status = 200
    if request.method == "POST":
        form = VersionCreateForm(request.POST, versions=versions)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            version, status = attempt(
                form,
                lambda: services.version_create(
                    user=request.user,
                    process=process,
                    title=data["title"],
                    note=data["note"],
                    based_on=by_number.get(data.get("based_on")),
                ),
            )
            if version is not None:
                messages.success(
                    request, _("The working draft (version %(number)s) was started.") % {"number": version.number}
                )
                return redirect("plan:work_editor", slug=process.slug, number=version.number)
    else:
        form = VersionCreateForm(versions=versions)
    return render(
        request,
        "plan/work_version_form.html",
        {
            "process": process,
            "form": form,
            "heading": _("Start a new working draft"),
            "explanation": _(
                "The working draft is where the plan is changed. It is seen only by the coordinators, the departments"
                " and the expert groups until it is put out for consultation or adopted. There is one working draft"
                " at a time."
            ),
            "button": _("Start the working draft"),
            "crumbs": _crumbs(process),
        },
        status=status,
    )


def _working_version(request, slug, number, perm):
    """A version for a coordinator's action: 403 for anyone else, 409 when its state does not allow it."""
    process = _staff_process(request, slug)
    version = _version_of(process, number)
    _coordinator_only(request, process, "plan.create_version" if perm == "plan.edit_version" else perm)
    return process, version


@login_required
def version_edit_view(request, slug, number):
    process, version = _working_version(request, slug, number, "plan.edit_version")
    if version.state != VersionState.WORKING:
        raise Conflict(_("A published version cannot be changed: start a new version."))
    status = 200
    if request.method == "POST":
        form = VersionEditForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = attempt(
                form,
                lambda: services.version_update(
                    user=request.user, version=version, title=data["title"], note=data["note"]
                ),
            )
            if done is not None:
                messages.success(request, _("The title and note were saved."))
                return redirect("plan:work_versions", slug=process.slug)
    else:
        form = VersionEditForm(initial={"title": version.title, "note": version.note})
    return render(
        request,
        "plan/work_version_form.html",
        {
            "process": process,
            "version": version,
            "form": form,
            "heading": _("Change the title and note of version %(number)s") % {"number": version.number},
            "button": _("Save"),
            "crumbs": _crumbs(process),
        },
        status=status,
    )


@login_required
def version_translate_view(request, slug, number):
    """The translations of a version's title and note (any state: a published version's German text stays)."""
    process = _staff_process(request, slug)
    version = _version_of(process, number)
    if not rules.has_perm("plan.translate_version", request.user, version):
        raise NotAllowed()
    response, context, status = _translations(
        request,
        obj=version,
        form_class=VersionTranslationForm,
        names=[name for name in PlanVersion.translatable_fields if getattr(version, name)],
        existing=selectors.translations_of(version),
        save=lambda language, texts: services.version_translations_set(
            user=request.user, version=version, language=language, texts=texts
        ),
        back=reverse("plan:work_versions", kwargs={"slug": process.slug}),
    )
    if response is not None:
        return response
    context.update(process=process, version=version, crumbs=_crumbs(process))
    return render(request, "plan/work_version_translate.html", context, status=status)


def _phase_choices(process) -> list[tuple[int, str]]:
    language = get_language() or settings.LANGUAGE_CODE
    choices = []
    for phase in process_phases(process):
        start, end = timezone.localdate(phase.start), timezone.localdate(phase.end)
        name = localise(phase, "name", language).text
        choices.append((phase.pk, f"{name} ({_date(start)} – {_date(end)})"))
    return choices


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@login_required
def version_consult_view(request, slug, number):
    """Put the working draft out for consultation: a confirmation naming what it means, and the phase during
    which residents comment on its sections (or none)."""
    process, version = _working_version(request, slug, number, "plan.publish_version")
    if version.state != VersionState.WORKING:
        raise Conflict(_("Only a working draft can be put out for consultation."))
    phases = {phase.pk: phase for phase in process_phases(process)}
    status = 200
    if request.method == "POST":
        form = VersionConsultForm(request.POST, phases=_phase_choices(process))
        status = 400
        if form.is_valid():
            phase = phases.get(form.cleaned_data["phase"])
            done, status = attempt(
                form, lambda: services.version_publish_for_consultation(user=request.user, version=version, phase=phase)
            )
            if done is not None:
                messages.success(request, _("Version %(number)s is out for consultation.") % {"number": version.number})
                return redirect("plan:work_versions", slug=process.slug)
    else:
        form = VersionConsultForm(phases=_phase_choices(process))
    return render(
        request,
        "plan/work_version_form.html",
        {
            "process": process,
            "version": version,
            "form": form,
            "heading": _("Put version %(number)s out for consultation") % {"number": version.number},
            "explanation": _(
                "The draft becomes public at once and can no longer be changed: a later change needs a new version."
                " While the chosen phase runs, residents can comment on each section online, and you can enter"
                " comments that came on paper."
            ),
            "button": _("Put out for consultation"),
            "crumbs": _crumbs(process),
        },
        status=status,
    )


@login_required
def version_adopt_view(request, slug, number):
    """Record that the council adopted a version, with the date and its document number."""
    process, version = _working_version(request, slug, number, "plan.publish_version")
    if version.state == VersionState.ADOPTED:
        raise Conflict(_("This version has been adopted already."))
    status = 200
    if request.method == "POST":
        form = VersionAdoptForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = attempt(
                form,
                lambda: services.version_adopt(
                    user=request.user,
                    version=version,
                    adopted_on=data["adopted_on"],
                    document_number=data["document_number"],
                ),
            )
            if done is not None:
                messages.success(
                    request, _("The adoption of version %(number)s was recorded.") % {"number": version.number}
                )
                return redirect("plan:work_versions", slug=process.slug)
    else:
        form = VersionAdoptForm(initial={"adopted_on": timezone.localdate()})
    return render(
        request,
        "plan/work_version_form.html",
        {
            "process": process,
            "version": version,
            "form": form,
            "heading": _("Record the adoption of version %(number)s") % {"number": version.number},
            "explanation": _(
                "Record this once the council has adopted the plan. The version becomes the adopted plan: public,"
                " and never changed again."
            ),
            "button": _("Record the adoption"),
            "crumbs": _crumbs(process),
        },
        status=status,
    )


# The section editor of a version (the working draft; published versions read-only).


@login_required
def version_editor_view(request, slug, number):
    return editor_view(request, version_editor(request, slug, number))


@login_required
def version_section_add_view(request, slug, number):
    return section_add_view(request, version_editor(request, slug, number))


@login_required
def version_section_edit_view(request, slug, number, key):
    return section_edit_view(request, version_editor(request, slug, number), key)


@login_required
def version_section_move_view(request, slug, number, key):
    return section_move_view(request, version_editor(request, slug, number), key)


@login_required
def version_section_remove_view(request, slug, number, key):
    return section_remove_view(request, version_editor(request, slug, number), key)


@login_required
def version_section_translate_view(request, slug, number, key):
    return section_translate_view(request, version_editor(request, slug, number), key)


@login_required
def section_comment_view(request, slug, number, key):
    """A comment on a section of the draft for consultation that came on paper, by letter, at an event …:
    entered with its channel and provenance, one after the other."""
    editor = version_editor(request, slug, number)
    section = editor.section(key)
    if not rules.has_perm("plan.enter_section_comment", request.user, section):
        if rules.has_perm("plan.create_version", request.user, editor.process):
            raise Conflict(_("Comments on this draft are not open."))
        raise NotAllowed()
    status = 200
    if request.method == "POST":
        form = SectionCommentForm(request.POST, auto_id="comment_%s")
        status = 400
        if form.is_valid():
            default_title = _("On %(number)s %(title)s") % {"number": section.number, "title": section.title}
            contribution, status = attempt(
                form,
                lambda: services.section_comment_record_analog(
                    user=request.user, section=section, **form.comment(default_title=default_title)
                ),
            )
            if contribution is not None:
                messages.success(request, _("The comment was saved. The next one, please."))
                date = form.cleaned_data["original_date"]
                kept = {"kanal": contribution.channel, **({"datum": date.isoformat()} if date else {})}
                return redirect(f"{request.path}?{urlencode(kept)}")  # channel and date kept for the next one
    else:
        initial = {"channel": request.GET.get("kanal") or "paper_form", "original_date": request.GET.get("datum")}
        form = SectionCommentForm(auto_id="comment_%s", initial=initial)
    return _section_page(
        request,
        editor,
        "plan/work_section_comment.html",
        {"form": form, "section": section, "back": editor.editor_url(section.key)},
        status,
    )


# == measures: their status ======================================================================================


def _measure_rows_html(rows, process) -> str:
    """The rows of the measures list, written here rather than by a template (a plan has about a hundred
    measures); every value escaped as a template would."""
    sentinel = 987654321
    url = reverse("plan:work_measure", kwargs={"slug": process.slug, "pk": sentinel})
    labels = {
        "department": escape(_("Department")),
        "status": escape(_("Status")),
        "money": escape(_("Budget and spending")),
        "since": escape(_("since")),
        "change": escape(_("Change status")),
    }
    out = []
    for row in rows:
        place = ""
        if row.number:
            where = _("%(number)s in version %(version)s") % {"number": row.number, "version": row.version_number}
            place = f'<br><span class="meta">{escape(where)}</span>'
        since = ""
        if row.status_date:
            shown = escape(formats.date_format(row.status_date, "SHORT_DATE_FORMAT"))
            since = (
                f'<br><span class="meta">{labels["since"]} '
                f'<time datetime="{row.status_date.isoformat()}">{shown}</time></span>'
            )
        money = []
        if row.budget is not None:
            money.append(escape(_("%(amount)s EUR planned") % {"amount": _amount(row.budget)}))
        if row.spent is not None:
            money.append(escape(_("%(amount)s EUR spent") % {"amount": _amount(row.spent)}))
        out.append(
            f'<tr><th scope="row"><bdi class="plan-work-code">{escape(row.code)}</bdi> '
            f"<bdi>{escape(row.title or '–')}</bdi>{place}</th>"
            f'<td data-label="{labels["department"]}"><bdi>{escape(row.department or "–")}</bdi></td>'
            f'<td data-label="{labels["status"]}"><span class="plan-status plan-status-{escape(row.status)}">'
            f"{escape(row.status_label)}</span>{since}</td>"
            f'<td data-label="{labels["money"]}">{"<br>".join(money) or "–"}</td>'
            f'<td><a href="{escape(url.replace(str(sentinel), str(row.pk)))}">{labels["change"]}'
            f'<span class="visually-hidden"> {escape(row.code)}</span></a></td></tr>'
        )
    return mark_safe("".join(out))  # noqa: S308  (every value above is escaped)


@login_required
def measures_view(request, slug):
    """The measures of a process for the staff: a coordinator sees all, department staff those of their
    departments (as the newest version holding each measure says), each with the way to change its status."""
    process = selectors.workspace_process(slug)
    if process is None:
        raise NotFound()
    scope = selectors.measure_scope(request.user, process)
    if scope == frozenset():
        raise NotAllowed()
    language = get_language() or settings.LANGUAGE_CODE
    departments = department_choices(city_id=process.city_id)
    if scope is not None:
        departments = [(pk, name) for pk, name in departments if pk in scope]
    form = MeasureFilterForm(request.GET or None, departments=departments)
    filters, status = {}, 200
    if form.is_bound:
        if form.is_valid():
            filters = {"department_id": form.cleaned_data["department"], "status": form.cleaned_data["status"]}
        else:
            status = 400
    rows = selectors.workspace_measures(process, language, department_ids=scope, **filters)
    return render(
        request,
        "plan/work_measures.html",
        {
            "process": process,
            "form": form,
            "rows": rows,
            "rows_html": _measure_rows_html(rows, process),
            "filtered": any(filters.values()),
            "restricted": scope is not None,
            "crumbs": _crumbs(process) if _may_work(request.user, process) else _crumbs(process)[:1],
        },
        status=status,
    )


@login_required
def measure_status_view(request, slug, pk):
    """A measure's status with its history, and the form for a new status (dated, with a progress note and what
    has been spent so far)."""
    process = selectors.workspace_process(slug)
    measure = selectors.workspace_measure(process, pk) if process is not None else None
    if measure is None:
        raise NotFound()
    if not rules.has_perm("plan.change_measure_status", request.user, measure):
        raise NotAllowed()
    status = 200
    if request.method == "POST":
        form = MeasureStatusForm(request.POST, auto_id="status_%s")
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            change, status = attempt(
                form,
                lambda: services.measure_status_change(
                    user=request.user,
                    measure=measure,
                    status=data["status"],
                    date=data["date"],
                    note=data["note"],
                    spent=data["spent"],
                ),
            )
            if change is not None:
                messages.success(request, _("The status of %(code)s was saved.") % {"code": measure.code})
                return redirect(
                    reverse("plan:work_measure", kwargs={"slug": process.slug, "pk": measure.pk}) + "#history"
                )
    else:
        form = MeasureStatusForm(auto_id="status_%s", initial={"status": measure.status, "date": timezone.localdate()})
    language = get_language() or settings.LANGUAGE_CODE
    return render(
        request,
        "plan/work_measure.html",
        {
            "process": process,
            "measure": measure,
            "row": selectors.workspace_measure_row(measure, language),
            "history": selectors.measure_history_rows(measure),
            "form": form,
            "crumbs": (
                *(_crumbs(process) if _may_work(request.user, process) else _crumbs(process)[:1]),
                (_("Measures"), reverse("plan:work_measures", kwargs={"slug": process.slug})),
            ),
        },
        status=status,
    )


# == links from a contribution to the measures it led to (the box on its work page) ===========================


def _linking_contribution(request, pk):
    """The contribution of a work page, for linking: 404 alike for an id that does not exist and a contribution
    the person may not work on; 403 for staff who may see it but not link it."""
    number = parse_id(pk)
    contribution = contribution_get(pk=number) if number is not None and str(number) == str(pk) else None
    if contribution is None or not rules.has_perm("administration.view_internal", request.user, contribution):
        raise NotFound()
    if not rules.has_perm("plan.link_measures", request.user, contribution.process):
        raise NotAllowed()
    return contribution


def _work_url(contribution) -> str:
    return reverse("administration:work", kwargs={"pk": contribution.pk}) + "#measures"


def _links_refused(request, contribution, form, status, error=None):
    """The link form again with what was wrong (the work page's box cannot show it after a redirect)."""
    return render(
        request,
        "plan/work_links.html",
        {
            "contribution": contribution,
            "process": contribution.process,
            "form": form,
            "error_message": error,
            "back": _work_url(contribution),
        },
        status=status,
    )


@require_POST
@login_required
def contribution_measures_view(request, pk):
    """Link a contribution to the measures it led to; with its current decision, if it has one."""
    contribution = _linking_contribution(request, pk)
    language = get_language() or settings.LANGUAGE_CODE
    _linked, choices = selectors.contribution_measure_box(contribution.pk, contribution.process_id, language)
    form = MeasureLinkForm(request.POST, choices=choices, auto_id="measure_link_%s")
    if not form.is_valid():
        return _links_refused(request, contribution, form, 400)
    measures = selectors.workspace_measures_by_id(contribution.process_id, form.cleaned_data["measures"])
    count, status = attempt(
        form,
        lambda: services.measures_link(
            user=request.user,
            contribution=contribution,
            measures=measures,
            disposition=disposition_current(contribution_id=contribution.pk),
        ),
    )
    if count is None:
        return _links_refused(request, contribution, form, status)
    messages.success(
        request,
        ngettext("%(count)d measure was linked.", "%(count)d measures were linked.", count) % {"count": count},
    )
    return redirect(_work_url(contribution))


@require_POST
@login_required
def contribution_measure_unlink_view(request, pk, measure):
    contribution = _linking_contribution(request, pk)
    found = selectors.workspace_measure(contribution.process, measure)
    if found is None:
        raise NotFound()
    try:
        services.measure_unlink(user=request.user, contribution=contribution, measure=found)
    except ApplicationError as error:
        if isinstance(error, NotFound):
            raise
        return _links_refused(request, contribution, None, error.status_code, error.message)
    messages.success(request, _("The link to %(code)s was removed.") % {"code": found.code})
    return redirect(_work_url(contribution))
