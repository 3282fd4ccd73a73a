"""Issue 6 E: the confirmation mail cannot carry a stranger's text or links to someone else's inbox."""

from django.contrib.auth.models import AnonymousUser

from teilhabe.conftest import make_contribution

EVIL = "http://evil.example/login?konto=sperren"


def test_confirmation_mail_quotes_nothing_the_submitter_wrote(
    process, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://beteiligung.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        make_contribution(
            process,
            AnonymousUser(),
            title=f"Ihr Konto wird gesperrt: {EVIL}",
            body=f"Bitte melden Sie sich sofort an: {EVIL} – Ihre Bank",
            author_email="opfer@example.net",
        )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    html = mail.alternatives[0][0]
    for part in (mail.subject, mail.body, html):
        assert "evil.example" not in part
        assert "gesperrt" not in part and "Bank" not in part
    # The only link leads to this site.
    links = [word for word in mail.body.split() if "://" in word]
    assert links and all(link.startswith("https://beteiligung.example.org/") for link in links)


def test_confirmation_subject_is_the_same_whatever_was_submitted(
    process, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_contribution(process, AnonymousUser(), title="Erster Titel", author_email="a@example.net")
        make_contribution(process, AnonymousUser(), title=f"Zweiter {EVIL}", author_email="b@example.net")
    assert len(mailoutbox) == 2
    assert mailoutbox[0].subject == mailoutbox[1].subject
    first, second = ([line for line in mail.body.splitlines() if "://" not in line] for mail in mailoutbox)
    assert first == second  # nothing but the link differs
