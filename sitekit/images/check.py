"""Images in an article's Markdown: each has alt text (or says it is decorative), opens, and is not huge.

A decorative image says so on purpose, with an empty alt given through
attribute syntax: ``![]({static}/images/line.png){: alt=""}``. A plain
``![](...)`` is refused, since it is far more often a forgotten description.
The size limit (``image_max_megapixels`` in sitekit.core.state.Options) keeps a
40-megapixel camera original from making every build slow.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from sitekit.core.problems import Problem
from sitekit.core.sources import Source

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
    """What is wrong with an image file, in words; None when it opens and is not too large."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            image.verify()
        if width * height > max_megapixels * 1_000_000:
            return (
                f"is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels), more than the "
                f"limit of {max_megapixels}. Save a smaller copy, at most 2560 pixels wide, and use that."
            )
        with Image.open(path) as image:
            image.draft(
                "RGB", (max(1, width // 8), max(1, height // 8))
            )  # JPEG: decode at 1/8 scale
            image.load()
    except (
        OSError,
        UnidentifiedImageError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        reason = str(error).replace(f" '{path}'", "")
        return f"cannot be read as an image ({reason}). Replace it with a working JPEG or PNG file."
    return None


def image_problems(
    shown: str, body: str, first_line: int, article: Path, content_root: Path, max_megapixels: int
) -> list[Problem]:
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
            if path is not None and path.is_file() and (wrong := unreadable(path, max_megapixels)):
                problems.append(Problem(shown, number, f"the image {src} {wrong}"))
    return problems


def field_image_problems(source: Source, named: str, root: Path, limit: int) -> list[Problem]:
    """The `Image:` field names a file below content/, as `{static}/...` would."""
    path = image_file("{static}/" + named.split("}", 1)[-1].lstrip("/"), source.path, root)
    line = source.line_of("image")
    if path is None or not path.is_file():
        return [
            Problem(
                source.shown,
                line,
                f"'Image: {named}' names a file that does not exist. Give the path below content/, "
                "for example 'Image: images/photo.jpg'.",
            )
        ]
    if wrong := unreadable(path, limit):
        return [Problem(source.shown, line, f"the image {named} {wrong}")]
    return []
