"""Real files that identify someone, as a careless phone or laptop makes them: GPS, an
author, a camera, a comment, in every format a contact may send. And exiftool, the
independent check that what the bot passes on carries none of it."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from PIL import Image, TiffImagePlugin

NAME = "Ahmed Hassan"
GPS = {1: "N", 2: (35.0, 28.0, 5.0), 3: "E", 4: (44.0, 23.0, 31.0)}


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x010F] = "Samsung"  # Make
    exif[0x0110] = "SM-A525F"  # Model
    exif.get_ifd(0x8825).update(GPS)
    return exif


def image(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """An image in `fmt` (JPEG, PNG, WEBP, TIFF, GIF, HEIF) carrying GPS and a name."""
    picture = Image.new("RGB", size, "orange")
    out = io.BytesIO()
    if fmt == "GIF":
        picture.save(out, "GIF", comment=f"taken by {NAME}".encode())
    elif fmt == "TIFF":
        info = TiffImagePlugin.ImageFileDirectory_v2()
        for tag, value in _exif().items():
            info[tag] = value
        picture.save(out, "TIFF", exif=_exif())
    elif fmt == "HEIF":
        from pillow_heif import from_pillow

        from_pillow(picture).save(out, exif=_exif().tobytes())
    else:
        picture.save(out, fmt, exif=_exif())
    return out.getvalue()


def _ffmpeg(*args: str, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"out{suffix}"
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", *args, str(target)], check=True, timeout=60
        )
        return target.read_bytes()


def video() -> bytes:
    """An MP4 with the phone's location and the author's name."""
    return _ffmpeg(
        "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5",
        "-metadata", f"artist={NAME}", "-metadata", "location=+35.4600+044.3900/",
        "-pix_fmt", "yuv420p", suffix=".mp4",
    )  # fmt: skip


def voice() -> bytes:
    """An Opus voice note (OGG) with the speaker's name as a tag."""
    return _ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=300:duration=1",
        "-c:a", "libopus", "-metadata", f"artist={NAME}", suffix=".ogg",
    )  # fmt: skip


def pdf() -> bytes:
    """A PDF whose author is the contact."""
    import cairo

    out = io.BytesIO()
    surface = cairo.PDFSurface(out, 200, 100)
    surface.set_metadata(cairo.PDFMetadata.AUTHOR, NAME)
    surface.set_metadata(cairo.PDFMetadata.TITLE, "Casualty list")
    context = cairo.Context(surface)
    context.move_to(10, 50)
    context.show_text("12 wounded at the north gate")
    surface.finish()
    return out.getvalue()


def docx() -> bytes:
    """A Word document whose author and last editor are the contact."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="xml" ContentType="application'
            '/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-pack'
            'age.relationships+xml"/><Override PartName="/word/document.xml" ContentType="appl'
            'ication/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><'
            'Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformat'
            's-package.core-properties+xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openx'
            'mlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://sc'
            'hemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target'
            '="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats'
            '.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.x'
            'ml"/></Relationships>',
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxml'
            'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Checkpoint list</w'
            ":t></w:r></w:p></w:body></w:document>",
        )
        package.writestr(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas'
            '.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.'
            f'org/dc/elements/1.1/"><dc:creator>{NAME}</dc:creator><cp:lastModifiedBy>{NAME}'
            "</cp:lastModifiedBy></cp:coreProperties>",
        )
    return out.getvalue()


IDENTIFYING = (
    "GPS",
    "Author",
    "Artist",
    "Creator",
    "Make",
    "Model",
    "Comment",
    "LastModifiedBy",
    "Location",
)


def exiftool_findings(data: bytes) -> list[str]:
    """What exiftool, independently of the bot and its libraries, finds in a file that
    names or locates someone: tags from IDENTIFYING and the contact's name anywhere."""
    exiftool = shutil.which("exiftool")
    assert exiftool, "exiftool is missing: make system-packages installs it"
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run(
            [exiftool, "-json", "-a", "-G1", handle.name],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    found = []
    for tag, value in json.loads(result.stdout or "[{}]")[0].items():
        group, _, name = tag.partition(":")
        if group in ("System", "ExifTool"):
            continue  # about the temporary file itself
        if any(word.lower() in name.lower() for word in IDENTIFYING) or NAME in str(value):
            found.append(f"{tag}={value}")
    return found
