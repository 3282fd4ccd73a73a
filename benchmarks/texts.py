"""Texts for the generated contributions and comments: German integration-topic words, so that full-text search
finds something."""

import random

TOPICS = [
    # (singular, plural or phrase) — earlier entries are drawn more often
    "Sprachkurse",
    "Kita-Plätze",
    "Beratung",
    "Hausaufgabenhilfe",
    "Anerkennung von Abschlüssen",
    "Ausbildungsplätze",
    "Begegnungsorte",
    "Dolmetscherdienste",
    "Integrationskurse",
    "Wohnungssuche",
    "Sportangebote",
    "Elterncafés",
    "Mentoring",
    "Patenschaften",
    "Termine im Bürgeramt",
    "Jugendzentren",
    "Gesundheitsberatung",
    "Pflegeangebote",
    "Schwimmkurse",
    "Fahrradkurse",
    "Praktika",
    "Stipendien",
    "Existenzgründung",
    "Sozialberatung",
    "Schuldnerberatung",
    "Frauencafés",
    "Stadtteilfeste",
    "Kulturangebote",
    "Bibliotheken",
    "Spielplätze",
    "Busverbindungen",
    "Antidiskriminierungsberatung",
    "Wahlrecht für alle",
    "Einbürgerung",
    "Mehrsprachigkeit",
    "interkulturelle Öffnung",
    "Ehrenamt",
]
GROUPS = [
    "Familien",
    "Jugendliche",
    "Geflüchtete",
    "ältere Menschen",
    "Studierende",
    "Fachkräfte",
    "Frauen",
    "Neuzugewanderte",
    "EU-Zugewanderte",
    "Eltern",
    "Kinder",
    "Alleinerziehende",
]
OPENERS = ["Mehr", "Bessere", "Kostenlose", "Mehrsprachige", "Wohnortnahe", "Regelmäßige", "Offene", "Neue"]
LANGUAGE_NAMES = ["Arabisch", "Türkisch", "Englisch", "Russisch", "Ukrainisch", "Farsi", "Polnisch", "Leichter Sprache"]
SENTENCES = [
    "Wir wünschen uns mehr {t1} im Stadtteil {place}.",
    "{T1} sind für viele {group} schwer zu erreichen.",
    "Es fehlt an {t1} und {t2} auf {lang}.",
    "Bitte bieten Sie {t1} auch abends und am Wochenende an.",
    "In {place} gibt es zu wenig {t1}, besonders für {group}.",
    "Eine bessere Zusammenarbeit zwischen {t1} und {t2} würde vielen helfen.",
    "Die Wartezeit für {t1} beträgt oft mehrere Monate.",
    "Informationen über {t1} sollten mehrsprachig und in Leichter Sprache verfügbar sein.",
    "Viele {group} engagieren sich bereits für {t1}, brauchen aber Räume und Unterstützung.",
    "Der Integrationsbeirat {place} hat über {t1} beraten und unterstützt den Vorschlag.",
    "Migrant*innenorganisationen könnten {t1} gemeinsam mit der Stadtverwaltung anbieten.",
    "Gerade {group} würden von {t1} in der Nachbarschaft profitieren.",
    "Die Stadt sollte {t1} dauerhaft finanzieren statt nur als Projekt.",
]
COMMENT_SENTENCES = [
    "Das sehe ich genauso, {t1} sind wirklich wichtig.",
    "Gute Idee! In {place} fehlen auch {t1}.",
    "Ich bin skeptisch: {t1} gibt es doch schon, sie sind nur nicht bekannt.",
    "Wer wäre dafür zuständig – die Stadt oder die Träger von {t1}?",
    "Als Mutter von zwei Kindern kann ich das nur unterstützen.",
    "Bei uns im Verein haben wir mit {t1} gute Erfahrungen gemacht.",
    "Wichtig wäre auch, an {group} zu denken.",
    "Danke für den Vorschlag, ich unterstütze ihn.",
]


TOPIC_WEIGHTS = [1 / (rank + 2) for rank in range(1, len(TOPICS) + 1)]  # the search word: about 1 in 5


def _topic(rng: random.Random) -> str:
    return rng.choices(TOPICS, TOPIC_WEIGHTS)[0]


def _fill(rng: random.Random, template: str, place: str, topics: tuple[str, str]) -> str:
    # Mostly the contribution's own two topics, now and then another one.
    t1, t2 = (rng.choice(topics) if rng.random() < 0.9 else rng.choice(TOPICS) for _ in range(2))
    return template.format(
        t1=t1, t2=t2, T1=t1[0].upper() + t1[1:], group=rng.choice(GROUPS), place=place, lang=rng.choice(LANGUAGE_NAMES)
    )


def contribution_text(rng: random.Random, place: str) -> tuple[str, str]:
    topics = (_topic(rng), _topic(rng))
    title = f"{rng.choice(OPENERS)} {topics[0]} für {rng.choice(GROUPS)}"
    if rng.random() < 0.6:
        title += f" in {place}"
    body = " ".join(_fill(rng, rng.choice(SENTENCES), place, topics) for _ in range(rng.randint(3, 9)))
    return title, body


def comment_text(rng: random.Random, place: str) -> str:
    topics = (_topic(rng), rng.choice(TOPICS))
    return " ".join(_fill(rng, rng.choice(COMMENT_SENTENCES), place, topics) for _ in range(rng.randint(1, 3)))
