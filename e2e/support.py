"""Helpers the browser tests share: signing in, axe-core, page types and the crawler."""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parent.parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SKIPPED_PREFIXES = ("/admin/", "/static/", "/i18n/")
MAX_PAGES_PER_CRAWL = 150
# The demo's personas (teilhabe/demo/services.py); they all share one password.
DEMO_PASSWORD = "teilhabe-demo"
COORDINATOR = "koordination@demo.teilhabe.test"
PARTICIPANT = "teilnehmerin@demo.teilhabe.test"
ORGANISATION_REPRESENTATIVE = "organisation@demo.teilhabe.test"  # Deniz, Migrantenforum Nord (Demo)
# Another persona, who reports content so that the moderation queue has something to show without changing
# what the participant sees.
REPORTER = "beirat@demo.teilhabe.test"
# Page types the crawler visited, per "role, language": printed at the end of the run.
PAGE_TYPES: dict[str, dict[str, list[str]]] = {}


def axe_source() -> str:
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing: run `npm ci` (make e2e does).")
    return AXE_PATH.read_text(encoding="utf-8")


# --- signing in -------------------------------------------------------------------------------------------


def sign_in(page, email: str, password: str) -> None:
    page.goto("/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("form[action$='/konto/logout/']").count() == 1, (
        f"signing in as {email} failed; now at {page.url}"
    )


def choose_language(page, code: str) -> None:
    """Switch the language the way a visitor does: with the language picker in the header."""
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.locator("form.language-picker button[type=submit]").click()
    assert page.evaluate("document.documentElement.lang") == code, f"language picker did not switch to {code}"


# --- axe ------------------------------------------------------------------------------------------------


@dataclass
class Finding:
    where: str  # who / language
    url: str
    rule: str
    impact: str
    help: str
    targets: list = field(default_factory=list)
    summary: str = ""

    def __str__(self) -> str:
        lines = [f"{self.rule} ({self.impact}) at {self.url} [{self.where}]: {self.help}"]
        for target, html in self.targets[:8]:
            lines.append(f"    target {target}   {html}")
        if len(self.targets) > 8:
            lines.append(f"    … and {len(self.targets) - 8} more elements")
        if self.summary:
            lines.append("    " + self.summary.replace("\n", "\n    "))
        return "\n".join(lines)


def axe_check(page, where: str, source: str) -> list[Finding]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page; return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(', '),
                    html: n.html.slice(0, 160),
                    summary: n.failureSummary || '',
                })),
            }));
        }""",
        AXE_TAGS,
    )
    findings = []
    for violation in result:
        nodes = violation["nodes"]
        findings.append(
            Finding(
                where=where,
                url=page.url,
                rule=violation["id"],
                impact=violation["impact"] or "",
                help=violation["help"],
                targets=[(node["target"], node["html"]) for node in nodes],
                summary=nodes[0]["summary"] if nodes else "",
            )
        )
    return findings


def document_direction_problems(page, language: str) -> list[str]:
    """The <html> element must carry the language, and dir="rtl" for Arabic and Persian."""
    lang, direction = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    expected_dir = "rtl" if language in {"ar", "fa"} else "ltr"
    if lang != language or direction != expected_dir:
        return [f'{page.url}: <html lang="{lang}" dir="{direction}">, expected lang="{language}" dir="{expected_dir}"']
    return []


def description_problems(page) -> list[str]:
    """Beyond axe: every aria-describedby must lead to an element with text (axe only checks that it exists;
    a help text with a list inside <p> is split by the HTML parser and leaves an empty paragraph behind)."""
    problems = page.evaluate(
        """() => {
            const out = [];
            for (const el of document.querySelectorAll('[aria-describedby]')) {
                for (const id of el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)) {
                    const target = document.getElementById(id);
                    if (!target || !target.textContent.trim()) {
                        const what = target ? 'an empty element' : 'no element';
                        const tag = el.tagName.toLowerCase();
                        out.push(`<${tag} id="${el.id}" aria-describedby="${id}"> leads to ${what}`);
                    }
                }
            }
            return out;
        }"""
    )
    return [f"{page.url}: {problem}" for problem in problems]


# --- page types and crawling ----------------------------------------------------------------------------


# A path segment naming one object: a number (/beitraege/17/), a key (/abschnitt/<uuid>/), a code (/massnahmen/M-001/).
OBJECT_SEGMENT = re.compile(r"\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Z]+-\d+")


def page_type(path_and_query: str) -> str:
    """/beitraege/17/ -> /beitraege/{id}/; any query string makes one extra type: /p/x/beitraege/?"""
    parts = urlsplit(path_and_query)
    segments = ["{id}" if OBJECT_SEGMENT.fullmatch(segment) else segment for segment in parts.path.split("/")]
    kind = "/".join(segments)
    return kind + "?" if parts.query else kind


def crawlable(href: str, origin: str) -> str | None:
    """The same-origin path (with query, without fragment) of a link worth visiting, else None."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    url, _fragment = urldefrag(href)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES) or "logout" in path:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


# Downloads (a plan's PDF, a measures table, …) are the same files for every role and are limited per address
# (docs/rate-limits.md): each kind is fetched once in a test session, by the first crawl that finds it.
DOWNLOAD_SUFFIXES = (".pdf", ".xlsx", ".ods", ".csv")
downloads_fetched: set[str] = set()


def visits_allowed(kind: str) -> int:
    # Pages about one object (a contribution, …) differ by their data: look at two of each.
    return 2 if "{id}" in kind else 1


@dataclass
class CrawlResult:
    visited: dict = field(default_factory=dict)  # page type -> [paths]
    skipped: dict = field(default_factory=dict)  # page type -> [paths]: not HTML
    findings: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def visit(page, path: str) -> tuple[int, str]:
    """Open path in the page: its status and content type. A download (an .ics file, a door list) does not open
    in the browser: the same URL is then fetched with the page's cookies."""
    try:
        response = page.goto(path)
    except PlaywrightError as error:
        if "Download is starting" not in str(error):
            raise
        response = page.request.get(path)
    if response is None:
        return 0, ""
    return response.status, response.headers.get("content-type", "").split(";")[0].strip()


def crawl(page, *, origin: str, where: str, language: str, seeds: list[str], extra_seeds, source: str) -> CrawlResult:
    """Visit same-origin pages breadth-first from the seeds, at most one or two per page type, and run axe on each.

    extra_seeds(path) may return more paths to visit that no link points to (staff screens).
    """
    result = CrawlResult()
    queue = deque(seeds)
    seen: set[str] = set()
    per_type: Counter = Counter()
    checked = 0  # pages axe looked at; downloads and pages skipped as seen do not use up the budget
    while queue and checked < MAX_PAGES_PER_CRAWL:
        path = queue.popleft()
        kind = page_type(path)
        if path in seen or per_type[kind] >= visits_allowed(kind):
            continue
        seen.add(path)
        per_type[kind] += 1
        if kind.endswith(DOWNLOAD_SUFFIXES):
            if kind in downloads_fetched:
                result.skipped.setdefault(kind, []).append(f"{path} (fetched by an earlier crawl)")
                continue
            downloads_fetched.add(kind)
        status, content_type = visit(page, path)
        if status >= 400:
            result.problems.append(f"{origin}{path} answered {status} [{where}]")
        if content_type != "text/html":
            # A download (PDF, CSV, …): nothing for axe, no links to follow.
            result.skipped.setdefault(kind, []).append(f"{path} ({content_type or 'no content type'})")
            continue
        result.visited.setdefault(kind, []).append(path)
        checked += 1
        result.findings += axe_check(page, where, source)
        result.problems += document_direction_problems(page, language)
        result.problems += description_problems(page)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for candidate in [*(crawlable(href, origin) for href in hrefs), *extra_seeds(path)]:
            if not candidate or candidate in seen:
                continue
            if per_type[page_type(candidate)] < visits_allowed(page_type(candidate)):
                queue.append(candidate)
    return result


def report(findings: list[Finding], problems: list[str]) -> str:
    lines = []
    if findings:
        lines.append(f"{len(findings)} axe violation(s):")
        lines += [str(finding) for finding in findings]
    if problems:
        lines.append(f"{len(problems)} other problem(s):")
        lines += [f"  {problem}" for problem in problems]
    return "\n".join(lines)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


PROCESS_PATH = re.compile(r"^/p/([^/]+)/$")


class PageChecks:
    """axe, <html lang dir> and aria-describedby on every page a journey visits; the findings are asserted at
    the end (``report``)."""

    def __init__(self, axe):
        self.axe, self.findings, self.problems, self.labels = axe, [], [], []

    def __call__(self, page, label: str, *, language: str = "de") -> None:
        self.findings += axe_check(page, label, self.axe)
        self.problems += document_direction_problems(page, language)
        self.problems += description_problems(page)
        self.labels.append(label)


def submit(page, form: str = "main form[method=post]", button: str = "button[type=submit]"):
    """Submit a form by clicking its button; the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator(f"{form} {button}").first.click()
    return navigation.value
