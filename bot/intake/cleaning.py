"""Cleaning a contact's file by what it is, not by what it claims to be.

A file's kind comes from its bytes (Pillow and pillow-heif for images, `filetype` for the
rest), never from the mime type or name the client sent. Every image Pillow can open (JPEG,
PNG, WebP, HEIC/HEIF, TIFF, GIF) is re-encoded from its pixels into a new JPEG; PDFs,
office documents, audio and video go through mat2 (the metadata removal library Tails
ships). What leaves carries a neutral name (`R-42.pdf`), never the original one.

Decoding is bounded: an image over `max_pixels` is refused from its header alone (a large
JPEG is decoded reduced instead, with `draft`), and the whole cleaning runs in a child
process whose address space and CPU time are capped (see `clean_in_child`), so a
decompression bomb costs that child, never the bot.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import resource
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Image formats re-encoded as photos: everything a phone or a careless export produces.
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "HEIF", "MPO")
# The longest side of a cleaned image: more than any channel or page shows.
MAX_SIDE = 4096
# Kinds by what mat2 will clean; the extension mat2 chooses its parser by.
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/epub+zip": "epub",
}

# EXIF tags that name or locate someone, as the card says them.
_EXIF_FOUND = {
    0x8825: "GPS location",
    0x013B: "author",
    0x9C9D: "author",
    0x8298: "copyright holder",
    0x010F: "camera make and model",
    0x0110: "camera make and model",
    0xA431: "camera serial number",
    0x010E: "description",
    0x9C9C: "comment",
    0x9286: "comment",
    0x0132: "date and time",
    0x9003: "date and time",
}
# mat2's names of metadata, as the card says them.
_MAT2_FOUND = {
    "gps": "GPS location",
    "location": "GPS location",
    "author": "author",
    "artist": "author",
    "creator": "author",
    "producer": "software",
    "encoder": "software",
    "comment": "comment",
    "title": "title",
    "make": "camera make and model",
    "model": "camera make and model",
    "date": "date and time",
}


@dataclass(frozen=True, slots=True)
class Cleaned:
    """What cleaning made of a file.

    `kind`: photo, video, audio, voice or document, by content. `data`: the clean copy, or
    None when it could not be made. `name`: the neutral file name it travels under.
    `removed`: what was found and removed, as editors read it ("GPS location").
    `problem`: why it is refused or not cleaned (None when clean). `refused`: an image over
    the limit or that cannot be decoded: not passed on at all.
    """

    kind: str
    name: str
    data: bytes | None = None
    removed: tuple[str, ...] = field(default=())
    problem: str | None = None
    refused: bool = False
    # A photo's perceptual hash (pHash, 64 bits, hex), when asked for: similar reports.
    phash: str | None = None

    @property
    def clean(self) -> bool:
        return self.data is not None and self.problem is None


@dataclass(frozen=True, slots=True)
class Limits:
    max_pixels: int
    memory_mb: int
    seconds: float


def clean(
    data: bytes, claimed_kind: str, stem: str, max_pixels: int, *, hash_picture: bool = False
) -> Cleaned:
    """Clean `data` by its content, in this process (see `clean_in_child`). Never raises
    for any bytes: the worst is a refusal. `hash_picture`: a photo's perceptual hash too
    (numpy and scipy, loaded for it, stay in the child that cleans)."""
    try:
        image = _clean_image(data, stem, max_pixels, hash_picture)
        if image is not None:
            return image
        return _clean_other(data, claimed_kind, stem)
    except MemoryError:
        return Cleaned("photo", f"{stem}.jpg", problem="too large to clean", refused=True)
    except Exception as exc:  # a parser's bug on hostile bytes: refused, never a crash
        log.warning("a file could not be cleaned: %s", type(exc).__name__)
        kind = "document" if claimed_kind == "photo" else claimed_kind
        return Cleaned(kind, f"{stem}.bin", problem="could not be read", refused=True)


def _clean_image(data: bytes, stem: str, max_pixels: int, hash_picture: bool) -> Cleaned | None:
    """A new JPEG from the picture's pixels; None when the bytes are not an image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    _register_heif()
    Image.init()
    formats = [f for f in IMAGE_FORMATS if f in Image.OPEN]
    name = f"{stem}.jpg"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=formats) as image:
                width, height = image.size
                if width * height > max_pixels and image.format in ("JPEG", "MPO"):
                    # Decoded reduced (1/2, 1/4 or 1/8) by the JPEG decoder itself.
                    scale = _jpeg_scale(width * height, max_pixels)
                    image.draft("RGB", (width // scale, height // scale))
                    width, height = image.size
                if width * height > max_pixels:
                    return Cleaned("photo", name, problem="too large", refused=True)
                # Only now: reading a PNG's EXIF decodes the whole picture.
                found = _image_metadata(image)
                image.load()
                upright = ImageOps.exif_transpose(image)
                rgb = upright.convert("RGB")
                rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    except UnidentifiedImageError:
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return Cleaned("photo", name, problem="too large", refused=True)
    except (OSError, SyntaxError, ValueError, EOFError):
        return Cleaned("photo", name, problem="damaged", refused=True)
    out = io.BytesIO()
    # A fresh image from raw pixels carries no info dict, so nothing is copied over.
    Image.frombytes("RGB", rgb.size, rgb.tobytes()).save(out, "JPEG", quality=88, optimize=True)
    return Cleaned("photo", name, out.getvalue(), removed=found, phash=_phash(rgb, hash_picture))


def _phash(rgb: Any, wanted: bool) -> str | None:
    """The picture's pHash (imagehash), as the similar-reports index compares them."""
    if not wanted:
        return None
    import imagehash

    return str(imagehash.phash(rgb))


def _jpeg_scale(pixels: int, max_pixels: int) -> int:
    """The JPEG decoder's reduction (2, 4 or 8) that brings `pixels` under the limit."""
    scale = 2
    while scale < 8 and pixels // (scale * scale) > max_pixels:
        scale *= 2
    return scale


def _image_metadata(image: Any) -> tuple[str, ...]:
    """What an image carries that says who, where or with what: for the card."""
    from PIL import IptcImagePlugin

    found: list[str] = []
    exif = image.getexif()
    for tag, label in _EXIF_FOUND.items():
        if tag in exif or (tag == 0x8825 and exif.get_ifd(0x8825)):
            found.append(label)
    info = {str(key).lower() for key in image.info}
    if "comment" in info or "comments" in info:
        found.append("comment")
    if info & {"xmp", "xml:com.adobe.xmp"}:
        found.append("XMP")
    if image.format == "JPEG" and IptcImagePlugin.getiptcinfo(image):
        found.append("IPTC")
    if getattr(image, "text", None):
        found.append("text notes")
    return tuple(dict.fromkeys(found))


def _register_heif() -> None:
    with contextlib.suppress(ImportError):
        from pillow_heif import register_heif_opener

        register_heif_opener()


def _clean_other(data: bytes, claimed_kind: str, stem: str) -> Cleaned:
    """A document, audio or video, by its bytes, cleaned by mat2."""
    import filetype

    guess = filetype.guess(data)
    mime = guess.mime if guess is not None else ""
    if mime.startswith("video/"):
        kind, extension = "video", guess.extension
    elif mime.startswith("audio/"):
        kind, extension = ("voice" if claimed_kind == "voice" else "audio"), guess.extension
    elif mime in DOCUMENT_TYPES:
        kind, extension = "document", DOCUMENT_TYPES[mime]
    else:
        kind = "document" if claimed_kind in ("photo", "document") else claimed_kind
        extension = guess.extension if guess is not None else "bin"
        name = f"{stem}.{extension}"
        return Cleaned(kind, name, data, problem="a kind of file the bot cannot clean")
    name = f"{stem}.{extension}"
    cleaned, removed = _mat2(data, extension)
    if cleaned is None:
        return Cleaned(kind, name, data, problem="its metadata could not be removed")
    return Cleaned(kind, name, cleaned, removed=removed)


def _mat2(data: bytes, extension: str) -> tuple[bytes | None, tuple[str, ...]]:
    """The file cleaned by mat2, and what it found; (None, ()) when mat2 cannot."""
    try:
        from libmat2 import parser_factory
    except ImportError:  # mat2's system libraries are missing: said plainly on the card
        log.warning("mat2 is not available: files other than images cannot be cleaned")
        return None, ()
    with tempfile.TemporaryDirectory(prefix="fieldrelay-clean-") as folder:
        path = Path(folder) / f"file.{extension}"
        path.write_bytes(data)
        logging.getLogger().setLevel(logging.ERROR)  # mat2 warns on the root logger
        parser, _ = parser_factory.get_parser(str(path))
        if parser is None:
            return None, ()
        meta = parser.get_meta() or {}
        if not parser.remove_all():
            return None, ()
        cleaned = Path(parser.output_filename).read_bytes()
    found: list[str] = []
    for key in meta:
        lowered = str(key).lower()
        found.extend(label for word, label in _MAT2_FOUND.items() if word in lowered)
    return cleaned, tuple(dict.fromkeys(found or ["metadata"]))


# ------------------------------------------------------------------ in a capped child


async def clean_in_child(data: bytes, claimed_kind: str, stem: str, limits: Limits) -> Cleaned:
    """`clean` in a child process whose memory (address space) and CPU time are capped:
    a file that would eat the machine costs that child, and is refused."""
    # Imported here: the child runs this module, and asyncio alone would double its start.
    import asyncio

    with tempfile.TemporaryDirectory(prefix="fieldrelay-") as folder:
        source, target = Path(folder) / "in", Path(folder) / "out"
        await asyncio.to_thread(source.write_bytes, data)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.intake.cleaning",
            str(source),
            str(target),
            claimed_kind,
            stem,
            str(limits.max_pixels),
            str(limits.memory_mb),
            str(limits.seconds),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            out, _ = await asyncio.wait_for(process.communicate(), limits.seconds)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            return _refused(claimed_kind, stem, "took too long to clean")
        if process.returncode != 0:
            return _refused(claimed_kind, stem, "too large to clean")
        try:
            result = json.loads(out)
        except ValueError:
            return _refused(claimed_kind, stem, "could not be read")
        cleaned = await asyncio.to_thread(target.read_bytes) if result.pop("has_data") else None
    return Cleaned(
        kind=result["kind"],
        name=result["name"],
        data=cleaned,
        removed=tuple(result["removed"]),
        problem=result["problem"],
        refused=result["refused"],
        phash=result.get("phash"),
    )


def _refused(claimed_kind: str, stem: str, problem: str) -> Cleaned:
    kind = "photo" if claimed_kind == "photo" else claimed_kind
    return Cleaned(kind, f"{stem}.bin", problem=problem, refused=True)


def _cap(memory_mb: int, seconds: float) -> None:
    """The child's own memory (address space) and CPU limits, set first thing (set by the
    child itself: a hook between fork and exec is not safe beside the bot's threads)."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _main(argv: list[str]) -> int:
    source, target, claimed_kind, stem, max_pixels, memory_mb, seconds = argv
    _cap(int(memory_mb), float(seconds))
    logging.basicConfig(level=logging.ERROR)
    result = clean(
        Path(source).read_bytes(), claimed_kind, stem, int(max_pixels), hash_picture=True
    )
    if result.data is not None:
        Path(target).write_bytes(result.data)
    summary = asdict(result)
    summary.pop("data")
    summary["has_data"] = result.data is not None
    sys.stdout.write(json.dumps(summary))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(_main(sys.argv[1:]))
