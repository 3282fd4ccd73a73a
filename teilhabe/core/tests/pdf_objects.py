"""Reading a PDF's objects in tests, those inside compressed streams too (where WeasyPrint puts the catalogue with
/Lang and the structure tree)."""

import re
import zlib

STREAM = re.compile(rb"stream\r?\n")


def pdf_objects(data: bytes) -> str:
    """The PDF's bytes and every deflated stream in it, inflated, as text.

    A stream is inflated from its first byte up to the end of its deflate data (``decompressobj`` stops there), so a
    stream whose compressed bytes happen to end in a carriage return is read whole; cutting at the "endstream" that
    follows it would drop that byte and lose the stream (a test then failed now and then, with the PDF's dates)."""
    parts, view = [data], memoryview(data)
    for match in STREAM.finditer(data):
        try:
            parts.append(zlib.decompressobj().decompress(view[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts).decode("latin-1")
