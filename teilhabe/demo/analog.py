"""The demo's paper forms: a print run for the information stand at the Kröpcke, three of its forms entered on the
entry screen's service (one without consent to publication, one with the scan of the sheet)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from teilhabe.accounts.models import Role
from teilhabe.analog.services import analog_entry_record
from teilhabe.paper.models import PrintKind, PrintRun
from teilhabe.paper.serials import serial_format
from teilhabe.paper.services import print_run_create

PLACE = "Infostand am Kröpcke"
FORMS = [
    (
        "Sprachkurse am Abend, mit Kinderbetreuung. Wer tagsüber arbeitet, kann nicht in die Kurse am Vormittag.",
        True,
    ),
    ("Mehr Beratung auf Türkisch und Arabisch beim Jobcenter, am besten im Stadtteil.", True),
    ("Meine Nachbarin braucht Hilfe bei der Anerkennung ihres Abschlusses als Krankenpflegerin.", False),
]


def _scan_png() -> bytes:
    """A small picture of a filled-in form (lines for handwriting), standing in for a scan."""
    image = Image.new("L", (620, 877), 250)
    draw = ImageDraw.Draw(image)
    draw.rectangle([30, 30, 590, 110], outline=60, width=3)
    for line in range(12):
        y = 170 + line * 50
        draw.line([(50, y), (570 - (line * 41) % 160, y)], fill=70, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@transaction.atomic
def demo_analog_entries(process, personas) -> None:
    """Print 10 Turkish forms for the stand and enter three of them, once (a second run adds nothing)."""
    if PrintRun.objects.filter(process=process, kind=PrintKind.FORM, place=PLACE).exists():
        return
    coordinator = personas[Role.COORDINATOR]
    run = print_run_create(user=coordinator, process=process, language="tr", count=10, place=PLACE)
    fields = list(process.fields_of_action.order_by("order", "pk")[:3])
    written = timezone.localdate() - datetime.timedelta(days=4)
    for index, (text, consent) in enumerate(FORMS):
        scan = SimpleUploadedFile("bogen.png", _scan_png(), content_type="image/png") if index == 0 else None
        analog_entry_record(
            process=process,
            user=coordinator,
            channel="paper_form",
            form_serial=serial_format(process_id=process.pk, number=run.first_number + index),
            original_date=written,
            body=text,
            fields_of_action=[fields[index % len(fields)]],
            language="de",
            publication_consent=consent,
            scan=scan,
        )
