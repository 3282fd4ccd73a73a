"""The fixed content of the evaluation: the participant questionnaire and the quality principles.

Both are code, not data: every process asks the same questions, so results compare across processes and years,
and every text is a translatable msgid. The wording is ours, written on the themes of the OECD evaluation
guidelines for representative deliberative and participatory processes (information, fairness, being heard,
influence, overall satisfaction) and on the ten quality principles of good public participation of the Allianz
Vielfältige Demokratie (see docs/evaluation.md).

Keys are stored in the database and never change; a retired question keeps its key reserved.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    key: str
    theme: str
    text: str


THEMES = {
    "information": _("Information"),
    "fairness": _("Fairness"),
    "heard": _("Being heard"),
    "influence": _("Influence"),
    "satisfaction": _("Overall satisfaction"),
}

QUESTIONS: tuple[Question, ...] = (
    Question("info_enough", "information", _("I got the information I needed to take part.")),
    Question("info_clear", "information", _("The information about the process was easy to understand.")),
    Question("fair_access", "fairness", _("People like me had a fair chance to take part.")),
    Question("fair_views", "fairness", _("Different opinions were treated in a balanced way.")),
    Question("heard_space", "heard", _("I had enough room to say what matters to me.")),
    Question("heard_serious", "heard", _("What I said was taken seriously.")),
    Question("influence_use", "influence", _("It is clear to me what happens with the results.")),
    Question("influence_effect", "influence", _("The process will make a difference to the city's decisions.")),
    Question("overall_satisfied", "satisfaction", _("All in all, I am satisfied with the process.")),
    Question("overall_again", "satisfaction", _("I would take part in a process like this again.")),
)
QUESTION_KEYS = tuple(question.key for question in QUESTIONS)
FREE_TEXT_QUESTION = _("What should the city do differently next time? (optional)")
FREE_TEXT_MAX = 2000

DONT_KNOW = 0
# The agreement scale, stored as numbers; 0 is "don't know" (counted, never averaged).
ANSWERS: tuple[tuple[int, str], ...] = (
    (5, _("Strongly agree")),
    (4, _("Agree")),
    (3, _("Neither agree nor disagree")),
    (2, _("Disagree")),
    (1, _("Strongly disagree")),
    (DONT_KNOW, _("Don't know")),
)
ANSWER_VALUES = tuple(value for value, _label in ANSWERS)


@dataclass(frozen=True)
class Principle:
    key: str
    title: str
    description: str


# The ten quality principles of good public participation (Allianz Vielfältige Demokratie), in our own short words.
PRINCIPLES: tuple[Principle, ...] = (
    Principle(
        "dialogue",
        _("Willingness to talk"),
        _("Politics, administration and residents are ready to listen and to talk with each other."),
    ),
    Principle(
        "commitment",
        _("Reliable framework"),
        _("Rules, time frame and what the process may decide are fixed and kept."),
    ),
    Principle("scope", _("Clear scope"), _("Everyone knows what is still open to change and what is already settled.")),
    Principle("early", _("Early involvement"), _("People are involved while there is still something to decide.")),
    Principle(
        "transparency", _("Open information"), _("Information is complete, timely and understandable for everyone.")
    ),
    Principle(
        "inclusion",
        _("Reaching everyone"),
        _("The groups concerned, especially those rarely heard, are actively invited and can take part."),
    ),
    Principle(
        "design",
        _("Careful design"),
        _("Methods and formats fit the question and the people, and the process is guided competently."),
    ),
    Principle("resources", _("Sufficient resources"), _("There is enough time, money and staff for the process.")),
    Principle("feedback", _("Feedback on results"), _("Participants learn how their input was used and why.")),
    Principle(
        "learning",
        _("Learning from experience"),
        _("The process is evaluated and what is learnt improves the next one."),
    ),
)
PRINCIPLE_KEYS = tuple(principle.key for principle in PRINCIPLES)

NOT_APPLICABLE = 0
RATINGS: tuple[tuple[int, str], ...] = (
    (4, _("Fully met")),
    (3, _("Largely met")),
    (2, _("Partly met")),
    (1, _("Not met")),
    (NOT_APPLICABLE, _("Not applicable in this phase")),
)
RATING_VALUES = tuple(value for value, _label in RATINGS)


def answer_label(value: int) -> str:
    return str(dict(ANSWERS).get(value, ""))


def rating_label(value: int) -> str:
    return str(dict(RATINGS).get(value, ""))


def question_get(key: str) -> Question | None:
    return next((question for question in QUESTIONS if question.key == key), None)


def principle_get(key: str) -> Principle | None:
    return next((principle for principle in PRINCIPLES if principle.key == key), None)
