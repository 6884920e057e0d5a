"""Turn uploaded bytes into page images, refusing what is too big, of the wrong type or unsafe.

The type is decided by the file's first bytes (its "magic"), never by the name or the declared
content type, which a sender controls. Everything stays in memory: nothing is written to disk.
"""

from __future__ import annotations

import io
import warnings
from typing import List, Optional

from PIL import Image, ImageOps

from notice_reader.model import MAX_BYTES, MAX_PAGES, MAX_PIXELS, NoticeReadError

PDF_PAGES_READ = 2
"""A notice's code, date and amount are on its first page; the second is read only when they are not."""
PDF_DPI = 200
"""Rendering resolution for PDF pages: enough for Tesseract on 9-10 pt print."""

_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns past this and refuses past twice this


def sniff(data: bytes) -> Optional[str]:
    """Return "pdf", "jpeg", "png", "webp" or "heic" from the first bytes, or None for anything else."""
    head = data[:32]
    if head.startswith(b"%PDF-") or (b"%PDF-" in data[:1024]):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    return None


def check_size(data: bytes) -> None:
    """Refuse empty uploads (as unsupported) and uploads over ``MAX_BYTES``."""
    if len(data) > MAX_BYTES:
        raise NoticeReadError("too_large", f"the file is {len(data)} bytes; the limit is {MAX_BYTES}")
    if not data:
        raise NoticeReadError("not_supported", "the file is empty")


def load_pages(data: bytes, pages: int = 1) -> List[Image.Image]:
    """Decode ``data`` into up to ``pages`` RGB page images.

    Args:
        data: the uploaded file.
        pages: how many leading pages of a PDF to render (an image is always one page).

    Raises:
        NoticeReadError: too_large, not_supported, too_many_pages, encrypted_pdf, malformed or image_bomb.
    """
    check_size(data)
    kind = sniff(data)
    if kind is None:
        raise NoticeReadError("not_supported", "not a JPEG, PNG, HEIC, WebP image or a PDF")
    if kind == "pdf":
        return _pdf_pages(data, pages)
    return [_image(data, kind)]


def pdf_page_count(data: bytes) -> int:
    """Number of pages of a PDF (checks encryption, damage and the page limit)."""
    document = _open_pdf(data)
    try:
        return len(document)
    finally:
        document.close()


def _image(data: bytes, kind: str) -> Image.Image:
    if kind == "heic":
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise NoticeReadError("image_bomb", f"{width}x{height} pixels is more than {MAX_PIXELS}")
            image.load()
    except NoticeReadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NoticeReadError("image_bomb", str(exc)) from exc
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt files
        raise NoticeReadError("malformed", f"the {kind} image cannot be decoded") from exc
    image = ImageOps.exif_transpose(image)  # phone photos are often stored sideways with a rotate tag
    if image.mode != "RGB":
        image = _flatten(image)
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB copy of ``image``; transparency is put on white, as on paper."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _register_heif() -> None:
    try:
        import pillow_heif  # an optional decoder, loaded only for HEIC photos
    except ImportError as exc:  # pragma: no cover - pillow-heif is in requirements.lock
        raise NoticeReadError("not_supported", "HEIC photos need pillow-heif") from exc
    pillow_heif.register_heif_opener()


def _open_pdf(data: bytes):  # -> pypdfium2.PdfDocument
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:  # FPDF_ERR_PASSWORD
            raise NoticeReadError("encrypted_pdf", "the PDF is protected by a password") from exc
        raise NoticeReadError("malformed", "the PDF is damaged or not a PDF") from exc
    count = len(document)
    if count > MAX_PAGES:
        document.close()
        raise NoticeReadError("too_many_pages", f"the PDF has {count} pages; the limit is {MAX_PAGES}")
    if count == 0:
        document.close()
        raise NoticeReadError("malformed", "the PDF has no pages")
    return document


def _pdf_pages(data: bytes, pages: int) -> List[Image.Image]:
    import pypdfium2 as pdfium

    document = _open_pdf(data)
    images: List[Image.Image] = []
    try:
        for index in range(min(pages, len(document))):
            page = document[index]
            width, height = page.get_size()  # points (1/72 inch)
            scale = PDF_DPI / 72.0
            if width * height * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / max(width * height, 1.0)) ** 0.5
            if width * height * scale * scale < 1:
                raise NoticeReadError("malformed", "the PDF page has no size")
            try:
                bitmap = page.render(scale=scale, grayscale=True)
                images.append(bitmap.to_pil().convert("RGB"))
            except pdfium.PdfiumError as exc:
                raise NoticeReadError("malformed", "a PDF page cannot be rendered") from exc
            finally:
                page.close()
    finally:
        document.close()
    return images
