"""The demo's two print runs are made once."""

from teilhabe.accounts.models import Role
from teilhabe.demo.paper import demo_print_runs
from teilhabe.events.tests.conftest import public_event
from teilhabe.paper.models import PrintKind, PrintRun


def test_the_demo_prints_forms_for_the_next_workshop_and_posters_once(process, personas):
    event = public_event(process, days=5)
    personas = {Role(role): user for role, user in personas.items()}
    demo_print_runs(process, personas)
    demo_print_runs(process, personas)
    forms = PrintRun.objects.get(kind=PrintKind.FORM)
    assert (forms.language, forms.count, forms.event, forms.first_number) == ("ar", 20, event, 1)
    assert PrintRun.objects.filter(kind=PrintKind.POSTER, language="de").count() == 1
