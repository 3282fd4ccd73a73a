import subprocess
from pathlib import Path

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def _private_storage_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def rasterise(pdf: bytes, tmp_path: Path, *, page: int = 1, dpi: int = 150) -> Image.Image:
    """One page of a PDF as an image, as poppler's pdftoppm renders it."""
    source = tmp_path / f"render-{page}.pdf"
    source.write_bytes(pdf)
    stem = tmp_path / f"page-{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), source, stem],
        check=True,
        timeout=60,
    )
    return Image.open(stem.with_suffix(".png"))


def page_count(pdf: bytes, tmp_path: Path) -> int:
    """The number of pages, as poppler's pdfinfo reads it."""
    source = tmp_path / "count.pdf"
    source.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", source], check=True, capture_output=True, text=True, timeout=60).stdout
    return int(next(line.split(":", 1)[1] for line in info.splitlines() if line.startswith("Pages:")))


def page_text(pdf: bytes, tmp_path: Path, *, page: int) -> str:
    """The text of one page, as poppler's pdftotext extracts it."""
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    command = ["pdftotext", "-f", str(page), "-l", str(page), source, "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout
