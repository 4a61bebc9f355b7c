"""Checks of uploaded photos and files: judged by their content, never by name or declared type.

Accepted: JPEG, PNG and WebP images (opened and verified with Pillow), PDF (%PDF- header) and Word or
Excel files (.docx/.xlsx: a zip holding the Office parts). Everything else, and anything larger than
the limit, is refused with a Chinese message naming the file. Images get a small JPEG thumbnail,
re-encoded without metadata (a phone photo's EXIF can carry the place it was taken).
"""

import contextlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from edubureau.common.errors import ServiceError

# Largest accepted file (bytes); EDUBUREAU_HAZARD_UPLOAD_MAX_BYTES overrides.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Most files in one upload.
MAX_FILES = 9
# Images larger than this (pixels) are refused before decoding (decompression bombs).
MAX_PIXELS = 60_000_000
THUMB_SIZE = (480, 480)

IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
OFFICE_TYPES = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.docx,.xlsx"
ACCEPT_IMAGES = "image/jpeg,image/png,image/webp"


def max_bytes():
    return int(getattr(settings, "EDUBUREAU_HAZARD_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class CheckedFile:
    """An upload that passed the checks, ready to store."""

    name: str  # the original name, for display only
    data: bytes
    content_type: str
    extension: str
    is_image: bool
    thumbnail: bytes | None = None

    @property
    def size(self):
        return len(self.data)

    def content(self):
        return ContentFile(self.data, name=f"upload.{self.extension}")

    def thumbnail_content(self):
        return ContentFile(self.thumbnail, name="thumb.jpg") if self.thumbnail else None


def _display_name(upload):
    name = str(getattr(upload, "name", "") or "未命名文件")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200] or "未命名文件"


def _read(upload, name, limit):
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ServiceError(f"文件“{name}”过大（上限{limit // 1024 // 1024}MB）。", field="photos")
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(f"文件“{name}”过大（上限{limit // 1024 // 1024}MB）。", field="photos")
    if not data:
        raise ServiceError(f"文件“{name}”是空的。", field="photos")
    return data


def _check_image(data, name):
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in IMAGE_FORMATS:
                raise ServiceError(
                    f"文件“{name}”的图片格式不受支持，请上传JPG、PNG或WebP格式的照片。", field="photos"
                )
            if width * height > MAX_PIXELS:
                raise ServiceError(f"图片“{name}”像素过大，请压缩后上传。", field="photos")
            probe.verify()
        # verify() leaves the image unusable: decode it again, completely, for the thumbnail.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMB_SIZE)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80)
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ServiceError(f"文件“{name}”不是有效的图片，或图片已损坏。", field="photos") from None
    content_type, extension = IMAGE_FORMATS[fmt]
    return CheckedFile(name, data, content_type, extension, True, buffer.getvalue())


def _check_office(data, name):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                raise zipfile.BadZipFile
            if sum(info.file_size for info in archive.infolist()) > 20 * max_bytes():
                raise ServiceError(f"文件“{name}”解压后过大，已拒绝。", field="photos")
    except zipfile.BadZipFile:
        raise ServiceError(f"文件“{name}”不是有效的Word或Excel文件。", field="photos") from None
    for prefix, (content_type, extension) in OFFICE_TYPES.items():
        if any(n.startswith(prefix) for n in names):
            return CheckedFile(name, data, content_type, extension, False)
    raise ServiceError(f"文件“{name}”不是Word（.docx）或Excel（.xlsx）文件。", field="photos")


def check_upload(upload, *, images_only=False):
    """A CheckedFile for an uploaded file, or ServiceError (Chinese) saying what is wrong with it."""
    name = _display_name(upload)
    data = _read(upload, name, max_bytes())
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    ):
        return _check_image(data, name)
    if images_only:
        raise ServiceError(f"文件“{name}”不是照片，请上传JPG、PNG或WebP格式的照片。", field="photos")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ServiceError(f"文件“{name}”不是完整的PDF文件。", field="photos")
        return CheckedFile(name, data, "application/pdf", "pdf", False)
    if data.startswith(b"PK\x03\x04"):
        return _check_office(data, name)
    raise ServiceError(
        f"文件“{name}”的类型不受支持：请上传照片（JPG、PNG、WebP）、PDF或Word/Excel文件。", field="photos"
    )


def check_uploads(uploads, *, images_only=False):
    uploads = list(uploads or ())
    if len(uploads) > MAX_FILES:
        raise ServiceError(f"一次最多上传{MAX_FILES}个文件。", field="photos")
    return [check_upload(u, images_only=images_only) for u in uploads]
