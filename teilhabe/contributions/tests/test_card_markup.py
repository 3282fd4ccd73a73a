"""A card written in Python (``cards.card_html``) escapes every value and keeps the markup's language marks."""

from django.urls import reverse

from teilhabe.conftest import make_contribution


def test_card_escapes_user_text_and_keeps_its_marks(client, process, participant):
    participant.display_name = 'Ana "<b>" & Co'
    participant.save()
    make_contribution(process, participant, title="<script>alert(1)</script> & mehr", language="ar")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("contributions:list", kwargs={"slug": process.slug})).content.decode()
    card = html[html.index('<li class="card">') :]
    card = card[: card.index("</li>\n") + 5] if "</li>\n" in card else card
    assert "<script>" not in html and "<b>" not in card
    assert '<h3 lang="ar" dir="rtl"><a href="/beitraege/' in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; mehr</a></h3>" in card
    assert "<bdi>Ana &quot;&lt;b&gt;&quot; &amp; Co</bdi>" in card
    assert '<ul class="tags" aria-label="Fields of action"><li><span lang="de">Bildung</span></li></ul>' in card
    assert "1 support" not in card and "0 supports · 0 comments" in card
