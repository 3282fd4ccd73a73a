"""Which release of the code is running: a fingerprint of the package's code, templates and catalogues.

Rendered output kept in the cache (whole pages, fragments, the site's chrome) carries it in its key, so that a
new release never serves what the previous one rendered, while every worker of one release shares the same
entries. Computed once when the server starts (a few milliseconds).
"""

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
SUFFIXES = {".py", ".html", ".txt", ".mo"}


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


RELEASE = _fingerprint()
