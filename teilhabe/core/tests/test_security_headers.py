"""Security headers on every page type, and no page that a strict Content-Security-Policy would break."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from teilhabe.conftest import make_contribution


def page_urls(process, contribution):
    """One URL of every page type a resident or a coordinator sees (the PDF is tested on its own)."""
    return {
        "home": reverse("processes:home"),
        "process": reverse("processes:detail", kwargs={"slug": process.slug}),
        "list": reverse("contributions:list", kwargs={"slug": process.slug}),
        "detail": reverse("contributions:detail", kwargs={"pk": contribution.pk}),
        "form": reverse("contributions:create", kwargs={"slug": process.slug}),
        "moderation": reverse("contributions:moderation", kwargs={"slug": process.slug}),
        "translations": reverse("processes:translations", kwargs={"slug": process.slug}),
        "how-to": reverse("core:how_to"),
        "accessibility": reverse("core:accessibility"),
        "privacy": reverse("core:privacy"),
        "imprint": reverse("core:imprint"),
        "login": reverse("account_login"),
        "sign-up": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "404": "/gibt-es-nicht/",
    }


@pytest.fixture
def pages(process, closed_process, personas):
    contribution = make_contribution(process, personas["participant"])
    return page_urls(process, contribution), contribution


def directives(header):
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_security_headers(response, where):
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{where}: no Content-Security-Policy"
    policy = directives(csp)
    assert policy["default-src"] == ["'self'"], where
    assert policy["base-uri"] == ["'none'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["form-action"] == ["'self'"], where
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, f"{where}: {feature} not switched off"


@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_every_page_type_sends_csp_and_permissions_policy(client, pages, personas, who):
    urls, _contribution = pages
    if who == "coordinator":
        client.force_login(personas["coordinator"])
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (name, response.status_code)
        assert_security_headers(response, f"{who} {name}")


def test_the_admin_sends_the_same_policy(client, pages, personas):
    client.force_login(personas["coordinator"])
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_security_headers(response, "admin")


@pytest.mark.slow
def test_the_pdf_sends_the_same_headers(client, pages):
    _urls, contribution = pages
    response = client.get(reverse("contributions:pdf", kwargs={"pk": contribution.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_security_headers(response, "pdf")


def test_hsts_is_sent_over_https_when_configured(settings, process):
    url = reverse("core:how_to")
    assert "Strict-Transport-Security" not in Client().get(url, secure=True).headers  # off by default
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()  # a new client builds its middleware with the new settings
    response = client.get(url, secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get(url).headers  # never over plain HTTP


class InlineCode(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, style elements and attributes, event handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"style= on <{tag}>")
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_inline_code_scanner_finds_what_it_looks_for():
    html = '<script>alert(1)</script><p style="x" onclick="y"></p><style>p{}</style><script src="/a.js"></script>'
    assert inline_code(html) == ["<script> without src", "style= on <p>", "onclick= on <p>", "<style>"]


@pytest.mark.slow
@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
@pytest.mark.parametrize("language", ["de", "ar"])
def test_no_page_uses_inline_script_or_style(client, pages, personas, who, language):
    urls, _contribution = pages
    if who == "coordinator":
        client.force_login(personas["coordinator"])
    client.cookies["django_language"] = language
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code == 302:
            continue
        assert inline_code(response.content.decode()) == [], f"{who} {name} ({language})"
    response = client.post(urls["form"], {"title": ""})  # a form with errors shows the error summary
    assert response.status_code in (200, 400)
    assert inline_code(response.content.decode()) == []
