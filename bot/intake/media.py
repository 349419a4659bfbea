"""Media sanitising: images are re-encoded without any metadata before anyone sees them."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

from PIL import Image, ImageOps, UnidentifiedImageError

from storage import MediaItem, Report

# Kinds of image a contact may send as a file that the bot treats as a photo.
IMAGE_MIME_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
# Kinds the bot cannot clean of metadata (a video's GPS track, a file's author): an editor must
# check them by hand before the report may be approved.
UNCLEANABLE = {"video": "Video", "document": "File", "audio": "Audio"}

# A decompression bomb guard: far above any phone camera (200 MP), far below what hurts.
MAX_PIXELS = 200_000_000


class UnsafeImageError(ValueError):
    """The file is not an image Pillow can safely decode (corrupt, or absurdly large)."""


def clean_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> bytes:
    """Return a JPEG of the picture with orientation applied and no EXIF/XMP/IPTC at all.

    Re-encoding from pixels is the only way to be sure nothing (GPS, camera serial, ...)
    survives: metadata lives in many places a filter could miss.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise UnsafeImageError(f"image of {width}x{height} pixels is too large")
                image.load()
                upright = ImageOps.exif_transpose(image)
                rgb = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnsafeImageError(f"not a decodable image: {exc}") from exc
    except Image.DecompressionBombWarning as exc:
        raise UnsafeImageError(str(exc)) from exc
    out = io.BytesIO()
    # A fresh image from raw pixels carries no info dict, so nothing is copied over.
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    clean.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def needs_media_check(report: Report, media: Sequence[MediaItem]) -> bool:
    """Media the bot cannot clean, not yet checked by an editor."""
    return report.media_checked_at is None and any(m.kind in UNCLEANABLE for m in media)
