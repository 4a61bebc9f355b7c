import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from edubureau.common.errors import ServiceError
from edubureau.safety import uploads
from edubureau.safety.models import Hazard

from .conftest import jpeg_bytes, photo, png_bytes


def upload(name, data):
    return SimpleUploadedFile(name, data)


def test_real_jpeg_and_png_pass_with_a_thumbnail():
    for name, data, kind in (
        ("a.jpg", jpeg_bytes((1200, 900)), "image/jpeg"),
        ("b.png", png_bytes(), "image/png"),
    ):
        item = uploads.check_upload(upload(name, data))
        assert item.is_image and item.content_type == kind
        with Image.open(io.BytesIO(item.thumbnail)) as thumb:
            assert thumb.format == "JPEG" and max(thumb.size) <= 480


def test_the_name_does_not_decide_the_type():
    item = uploads.check_upload(upload("scan.pdf", jpeg_bytes()))
    assert item.content_type == "image/jpeg" and item.extension == "jpg"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.jpg", b"MZ\x90\x00\x03" + b"\x00" * 100, "类型不受支持"),
        ("page.jpg", b"<html><script>alert(1)</script></html>", "类型不受支持"),
        ("broken.jpg", jpeg_bytes()[:60], "不是有效的图片"),
        ("empty.jpg", b"", "是空的"),
        ("half.pdf", b"%PDF-1.4\n1 0 obj\n", "不是完整的PDF"),
        ("fake.docx", b"PK\x03\x04" + b"\x00" * 50, "不是有效的Word或Excel"),
    ],
)
def test_bad_files_are_refused_by_content(name, data, message):
    with pytest.raises(ServiceError, match=message):
        uploads.check_upload(upload(name, data))


def test_gif_is_not_accepted_as_a_photo():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(ServiceError, match="类型不受支持"):
        uploads.check_upload(upload("a.gif", buffer.getvalue()))


def test_pdf_and_office_files_pass_as_documents():
    pdf = uploads.check_upload(upload("整改报告.pdf", b"%PDF-1.4\n%...\ntrailer\n%%EOF\n"))
    assert (pdf.content_type, pdf.is_image) == ("application/pdf", False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    docx = uploads.check_upload(upload("验收单.docx", buffer.getvalue()))
    assert docx.extension == "docx"


def test_a_zip_that_is_not_office_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.bin", "x")
    with pytest.raises(ServiceError, match="不是Word"):
        uploads.check_upload(upload("a.docx", buffer.getvalue()))


def test_images_only_refuses_documents():
    with pytest.raises(ServiceError, match="不是照片"):
        uploads.check_upload(upload("a.pdf", b"%PDF-1.4\n%%EOF"), images_only=True)


def test_size_limit(settings):
    settings.EDUBUREAU_HAZARD_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ServiceError, match="过大"):
        uploads.check_upload(upload("big.jpg", jpeg_bytes((800, 800))))


def test_huge_pixel_counts_are_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    with pytest.raises(ServiceError, match="像素过大"):
        uploads.check_upload(upload("wide.png", png_bytes((20, 20))))


def test_too_many_files_in_one_upload(make_hazard):
    with pytest.raises(ServiceError, match="最多上传9个"):
        make_hazard(photos=[photo(f"{i}.jpg") for i in range(10)])
    assert not Hazard.objects.exists()


def test_stored_files_live_under_media_root_with_random_names(make_hazard, settings):
    hazard = make_hazard(photos=[photo("../../etc/passwd.jpg")])
    item = hazard.attachments.get()
    assert item.original_name == "passwd.jpg"
    assert item.file.name.startswith("safety/hazards/")
    assert "passwd" not in item.file.name
    assert str(settings.MEDIA_ROOT) in item.file.path
