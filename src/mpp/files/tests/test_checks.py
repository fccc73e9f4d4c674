"""Uploaded documents are judged by their content: PDF, JPEG or PNG, whole, at most 5 MB."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mpp.files.checks import validate_document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(kind: str, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("surat.pdf", PDF, "application/pdf"),
        ("foto.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("pindaian.png", image_bytes("PNG"), "image/png"),
        ("tanpa-ekstensi", image_bytes("PNG"), "image/png"),  # the name does not matter
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_content(name, content, content_type):
    assert validate_document(SimpleUploadedFile(name, content)) == (content, content_type)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "Hanya berkas PDF, JPEG, atau PNG"),
        ("halaman.html", b"<html><script>alert(1)</script></html>", "Hanya berkas PDF, JPEG, atau PNG"),
        ("potong.pdf", PDF[:-8], "rusak atau tidak lengkap"),
        ("potong.png", image_bytes("PNG")[:60], "rusak"),
        ("besar.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "terlalu besar"),
        ("bom.png", image_bytes("PNG", size=(8000, 6000)), "Gambar terlalu besar"),
    ],
)
def test_anything_else_is_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_document(SimpleUploadedFile(name, content))
