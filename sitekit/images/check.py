"""Images in an article's Markdown: each has alt text (or says it is decorative), opens, and is not huge.

A decorative image says so on purpose, with an empty alt given through
attribute syntax: ``![]({static}/images/line.png){: alt=""}``. A plain
``![](...)`` is refused, since it is far more often a forgotten description.
The size limit (``image_max_megapixels`` in sitekit.core.state.Options) keeps a
40-megapixel camera original from making every build slow.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from sitekit.core.problems import Problem
from sitekit.core.sources import Source, within
from sitekit.core.suggest import did_you_mean
from sitekit.images import imaging

MARKDOWN_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"(?P<attributes>\{[^}]*\})?"
)
_EMPTY_ALT = re.compile(r"""\balt\s*=\s*(?:""|'')""")
STATIC = re.compile(r"^[{|](?:static|attach)[}|]")


def image_file(src: str, article: Path, content_root: Path) -> Path | None:
    """The file a `{static}` image address names, whether or not it exists."""
    if not STATIC.match(src):
        return None
    relative = STATIC.sub("", src).split("?", 1)[0].split("#", 1)[0]
    return (
        content_root / relative.lstrip("/")
        if relative.startswith("/")
        else article.parent / relative
    )


def unreadable(path: Path, max_megapixels: int) -> str | None:
    """What is wrong with an image file, in words; None when it opens and is not too large.

    Only the header is read before the size is known to be within the limit.
    """
    # Never more than Pillow opens without a warning of a possible decompression bomb.
    limit = min(max_megapixels * 1_000_000, Image.MAX_IMAGE_PIXELS)
    try:
        with imaging.open_image(path) as image:
            width, height = image.size
            if width * height <= limit:
                image.verify()
        if width * height > limit:
            return (
                f"is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels), more than the "
                f"limit of {limit // 1_000_000}. Save a smaller copy, at most 2560 pixels wide, "
                "and use that."
            )
        with imaging.open_image(path) as image:
            image.draft(
                "RGB", (max(1, width // 8), max(1, height // 8))
            )  # JPEG: decode at 1/8 scale
            image.load()
    except Image.DecompressionBombError:  # over twice Image.MAX_IMAGE_PIXELS: no size given
        return (
            f"is more than {2 * Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels, more than the limit "
            f"of {limit // 1_000_000}. Save a smaller copy, at most 2560 pixels wide, and use that."
        )
    except UnidentifiedImageError:
        return (
            "cannot be read as an image (it is not a PNG, JPEG, WebP, AVIF, GIF, TIFF or BMP file, "
            "whatever its name says). Replace it with a working JPEG or PNG file."
        )
    except (OSError, SyntaxError, ValueError) as error:
        reason = str(error).replace(f" '{path}'", "")
        return f"cannot be read as an image ({reason}). Replace it with a working JPEG or PNG file."
    return None


def unused_image_problems(
    files: list[Path], used: set[str], root: Path, shown: str, max_megapixels: int
) -> list[Problem]:
    """Every raster file below content/ that no article shows opens and is not too large:
    Pelican publishes it all the same. (An image an article shows is told at its line.)"""
    return [
        Problem(f"{shown}/{path.relative_to(root).as_posix()}", None, f"the image {wrong}")
        for path in files
        if path.suffix.lower() in imaging.RASTER_SUFFIXES
        and os.path.realpath(path) not in used
        and (wrong := unreadable(path, max_megapixels))
    ]


def image_problems(
    shown: str,
    body: str,
    first_line: int,
    article: Path,
    content_root: Path,
    max_megapixels: int,
    used: set[str] | None = None,
) -> list[Problem]:
    """The images of an article's text; adds each file it shows to `used` (its real path).

    A file outside content/ is never opened: containment.check refuses the address.
    """
    problems = []
    for offset, line in enumerate(body.split("\n")):
        for found in MARKDOWN_IMAGE.finditer(line):
            src, number = found.group("src"), first_line + offset
            if not found.group("alt").strip() and not _EMPTY_ALT.search(
                found.group("attributes") or ""
            ):
                problems.append(
                    Problem(
                        shown,
                        number,
                        f"the image {src} has no alt text. Say in the brackets what it shows, as in "
                        f"![a therapist's hands on a back]({src}); if it is only decoration, say so "
                        f'with an empty alt: ![]({src}){{: alt=""}}.',
                    )
                )
            path = image_file(src, article, content_root)
            if path is None or not within(path, content_root) or not path.is_file():
                continue
            if used is not None:
                used.add(os.path.realpath(path))
            if wrong := unreadable(path, max_megapixels):
                problems.append(Problem(shown, number, f"the image {src} {wrong}"))
    return problems


def field_image_problems(
    source: Source, named: str, root: Path, limit: int, used: set[str] | None = None
) -> list[Problem]:
    """The `Image:` field names a file below content/, as `{static}/...` would."""
    path = image_file("{static}/" + named.split("}", 1)[-1].lstrip("/"), source.path, root)
    line = source.line_of("image")
    if path is not None and not within(path, root):
        return []  # containment.check refuses it; the file is not opened
    if path is None or not path.is_file():
        # Written as the editor wrote it: with {static} or without, with / in front or not.
        written = named.split("}", 1)[-1]
        if instead := did_you_mean("/" + written.lstrip("/"), root, root):
            instead = instead if written.startswith("/") else instead.lstrip("/")
            advice = f"Did you mean 'Image: {named.removesuffix(written)}{instead}'?"
        else:
            advice = "Give the path below content/, for example 'Image: images/photo.jpg'."
        return [
            Problem(
                source.shown, line, f"'Image: {named}' names a file that does not exist. {advice}"
            )
        ]
    if used is not None:
        used.add(os.path.realpath(path))
    if wrong := unreadable(path, limit):
        return [Problem(source.shown, line, f"the image {named} {wrong}")]
    return []
