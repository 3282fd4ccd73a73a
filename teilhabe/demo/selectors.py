"""Reads for the demo: the mails the demo sent recently (Django's file mail backend, EMAIL_FILE_PATH)."""

import datetime
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

# Django's file backend writes the messages of one connection to one file, each followed by this line.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
URL = re.compile(r"https?://[^\s<>\"']+")
TRAILING_PUNCTUATION = ".,;:!?)»“”"


@dataclass
class DemoMail:
    subject: str
    recipients: str
    sent_at: datetime.datetime
    segments: list[tuple[str, str | None]]  # (text, link target or None)


def _segments(text: str, *, hosts: set[str]) -> list[tuple[str, str | None]]:
    """The body as text and links; only links to this site's own hosts become links."""
    segments, position = [], 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(TRAILING_PUNCTUATION)
        end = match.start() + len(url)
        if urlsplit(url).netloc.lower() not in hosts:
            continue
        segments.append((text[position : match.start()], None))
        segments.append((url, url))
        position = end
    segments.append((text[position:], None))
    return [segment for segment in segments if segment[0]]


def demo_mails_recent(*, hosts: set[str], within: datetime.timedelta = datetime.timedelta(hours=1)) -> list[DemoMail]:
    """Every mail sent within the given time, newest first, with links only to ``hosts`` (host[:port])."""
    folder = Path(settings.EMAIL_FILE_PATH)
    if not folder.is_dir():
        return []
    since = timezone.now() - within
    mails = []
    for path in folder.glob("*.log"):
        if datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC) < since:
            continue
        for chunk in path.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            message = message_from_bytes(chunk, policy=policy.default)
            sent_at = message["Date"].datetime if message["Date"] else None
            if sent_at is not None and sent_at.tzinfo is None:  # "-0000": UTC, zone not stated
                sent_at = sent_at.replace(tzinfo=datetime.UTC)
            if sent_at is None or sent_at < since:
                continue
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            mails.append(
                DemoMail(
                    subject=str(message["Subject"] or ""),
                    recipients=str(message["To"] or ""),
                    sent_at=sent_at,
                    segments=_segments(text, hosts=hosts),
                )
            )
    return sorted(mails, key=lambda mail: mail.sent_at, reverse=True)
