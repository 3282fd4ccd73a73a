"""Browser tests: a real headless Chromium (Debian's) against a real `manage.py runserver`.

The suite builds its own world: a temporary TEILHABE_VAR_DIR with a fresh SQLite database, the demo seeded
into it, e-mail written to files there (so tests can open verification links) and a dev server on a free
port. Everything is torn down at the end of the session. Run with `make e2e`; `make test` never collects
this folder (its testpaths is teilhabe/).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from support import PAGE_TYPES

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Server:
    url: str
    var_dir: Path
    mail_dir: Path
    log_path: Path

    def mails(self) -> list[Message]:
        """Every message the server has sent so far (Django's file backend: one file per connection, the
        messages in it separated by a line of 79 dashes)."""
        if not self.mail_dir.exists():
            return []
        messages = []
        for path in sorted(self.mail_dir.iterdir(), key=lambda path: path.stat().st_mtime):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(message_from_bytes(chunk, policy=policy.default))
        return messages

    def manage(self, *args: str) -> str:
        """Run a manage.py command against the server's database and settings; its output. Only for what a browser
        cannot do (let time pass); everything people do goes through the pages."""
        return _manage(*args, env=_server_env(self.var_dir, self.url))

    def mail_text(self, message: Message) -> str:
        body = message.get_body(preferencelist=("plain", "html"))
        return body.get_content() if body is not None else ""

    def link_in_mail(self, recipient: str, path_pattern: str, timeout: float = 10) -> str:
        """The first link whose path matches path_pattern in the newest mail to recipient (waits for it)."""
        regex = re.compile(r"https?://[^\s/]+(" + path_pattern + r")")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.mails()):
                if recipient in str(message["To"]):
                    match = regex.search(self.mail_text(message))
                    if match:
                        return match.group(0)
            time.sleep(0.2)
        raise AssertionError(f"no mail to {recipient} with a link to {path_pattern} in {self.mail_dir}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(var_dir: Path, url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "TEILHABE_VAR_DIR": str(var_dir),
            "DEBUG": "1",
            "TEILHABE_DEMO": "1",
            "DJANGO_SETTINGS_MODULE": "teilhabe.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(var_dir / "mail"),
            "SITE_URL": url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(*args: str, env: dict) -> str:
    result = subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"runserver exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"runserver did not answer within {timeout}s:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def server(request):
    var_dir = Path(tempfile.mkdtemp(prefix="teilhabe-e2e-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = _server_env(var_dir, url)
    log_path = var_dir / "runserver.log"
    process = worker = None
    try:
        _manage("migrate", "--noinput", "-v", "0", env=env)
        _manage("seed_demo", env=env)
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            # The task worker beside the server, as `make demo` and production run it (notification mails,
            # exports).
            worker = subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "db_worker", "--no-reload"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(url, process, log_path)
        yield Server(url=url, var_dir=var_dir, mail_dir=var_dir / "mail", log_path=log_path)
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if request.session.testsfailed and log_path.exists():
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-60:]
            sys.stdout.write("\n--- last lines of the runserver log ---\n" + "\n".join(tail) + "\n")
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make e2e does).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser, server):
    """Factory for fresh browser contexts (own cookies); all are closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=server.url, bypass_csp=True, locale="de-DE", **options)
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def pytest_terminal_summary(terminalreporter):
    """List the page types the crawler found, per role and language."""
    if not PAGE_TYPES:
        return
    terminalreporter.section("page types checked with axe")
    for where, visited in PAGE_TYPES.items():
        terminalreporter.write_line(f"{where}: {len(visited)} types, {sum(map(len, visited.values()))} pages")
        for kind in sorted(visited):
            terminalreporter.write_line(f"    {kind}   e.g. {visited[kind][0]}")
