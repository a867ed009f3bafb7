"""Images in an article's text: each has alt text (or says it is decorative), is one of this
site's files, opens, and is not huge.

Every way an editor writes an image is checked alike: Markdown ``![alt](...)``
(inline or by reference) and a raw ``<img src=...>``, whether the address is
``{static}/images/x.jpg``, a site path ``/images/x.jpg`` or a path relative to
the article, ``../images/x.jpg`` (image_file resolves each to the same file).
A decorative image says so on purpose, with an empty alt given through
attribute syntax: ``![]({static}/images/line.png){: alt=""}`` or ``alt=""``. A
plain ``![](...)`` or an ``<img>`` without alt is refused, since it is far more
often a forgotten description. An image on another site is refused: the site's
security policy (img-src 'self') would keep readers from seeing it. The size
limit (``image_max_megapixels`` in sitekit.core.state.Options) guards against
decompression bombs; an image within it is scaled down (sitekit.images.imaging).
Examples of HTML in code (fenced blocks, `code spans`, indented code blocks) are text, not
images. An indented block is code or a list item's further paragraph depending on what
comes before it, so a text with an image on an indented line is rendered to tell which.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from urllib.parse import unquote

import html5lib
from PIL import Image, UnidentifiedImageError

from sitekit.core.problems import Problem
from sitekit.core.sources import Source, within
from sitekit.core.suggest import did_you_mean
from sitekit.images import imaging

MARKDOWN_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"(?P<attributes>\{[^}]*\})?"
)
# ![alt][id], ![alt][] and ![id], with the address on a line of its own: [id]: address
_REFERENCE_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\](?:\s?\[(?P<id>[^\]]*)\])?(?![(\[:])(?P<attributes>\{[^}]*\})?"
)
# (not a footnote's, [^1]: ...: "It works![^1]" is an exclamation and a footnote)
_DEFINITION = re.compile(r"^ {0,3}\[(?P<id>[^\]^][^\]]*)\]:\s*<?(?P<src>[^\s>]+)>?", re.MULTILINE)
HTML_IMAGE = re.compile(r"<img\b(?P<attributes>[^>]*)>", re.IGNORECASE)
_HTML_ATTRIBUTE = re.compile(
    r"""(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?:"(?P<q>[^"]*)"|'(?P<s>[^']*)'|(?P<u>[^\s"'=<>`]+)))?"""
)
_EMPTY_ALT = re.compile(r"""\balt\s*=\s*(?:""|'')""")
STATIC = re.compile(r"^[{|](?:static|attach)[}|]")
# An address with a scheme: another site's (https:, http:), or one the sanitizer refuses.
_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:")
# Another site's address: http:, https: or scheme-relative (//host/, or \\host/ to a browser).
ELSEWHERE = re.compile(r"^\s*(?:https?:|[/\\]{2})", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
# A line that may be part of an indented code block (in a quote too: ">     code").
_INDENTED = re.compile(r"(?: {0,3}> ?)*( {4}|\t)")
# An HTML comment, which the sanitizer drops with what it holds.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def image_file(src: str, article: Path, content_root: Path) -> Path | None:
    """The file below content/ an image address names, whether or not it exists: for
    `{static}/images/x.jpg`, the site path `/images/x.jpg` and `../images/x.jpg` relative
    to the article alike. None for another site's address, a data: URL, or a fragment."""
    if STATIC.match(src):
        relative = STATIC.sub("", src).split("?", 1)[0].split("#", 1)[0]
    elif src.startswith(("{", "|", "#")) or ELSEWHERE.match(src) or _SCHEME.match(src):
        return None
    else:  # read as a browser reads a path: %20 is a space
        relative = unquote(src.split("?", 1)[0].split("#", 1)[0])
        if not relative:
            return None
    return (
        content_root / relative.lstrip("/")
        if relative.startswith("/")
        else article.parent / relative
    )


def elsewhere(src: str) -> bool:
    """Whether an image address names another site's file (http://, https://, //host/)."""
    return bool(ELSEWHERE.match(src))


def _without_code(body: str) -> str:
    """The text with fenced code blocks, code spans and HTML comments blanked out, lines
    kept in place."""
    lines, fence = body.split("\n"), ""
    for n, line in enumerate(lines):
        found = _FENCE.match(line)
        if fence:
            if (
                found
                and found.group("fence")[0] == fence[0]
                and len(found.group("fence")) >= len(fence)
            ):
                fence = ""
            lines[n] = ""
        elif found:
            fence, lines[n] = found.group("fence"), ""
    text = "\n".join(lines)
    text = _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def html_attributes(attributes: str) -> dict[str, str]:
    """The attributes of a tag as written (`<img` and `>` left off), names lower-cased."""
    return {
        m.group("name").lower(): m.group("q") or m.group("s") or m.group("u") or ""
        for m in _HTML_ATTRIBUTE.finditer(attributes.rstrip("/"))
    }


def images_of(
    body: str, img_attributes: Collection[str] | None = None
) -> Iterator[tuple[int, str, bool, str]]:
    """(line offset, address, whether it has alt text or says it is decorative, how it is
    written: "markdown" or "html") for each image of a text, in order.

    An `<img>` with an attribute outside `img_attributes` (the sanitizer's allowlist, an
    `onerror=` say) is left out: the sanitizer's check refuses it, in one line of its own."""
    text = _without_code(body)
    definitions = {
        m.group("id").strip().lower(): m.group("src") for m in _DEFINITION.finditer(text)
    }
    found = []
    for m in MARKDOWN_IMAGE.finditer(text):
        described = bool(m.group("alt").strip()) or bool(
            _EMPTY_ALT.search(m.group("attributes") or "")
        )
        found.append((m.start(), m.group("src"), described, "markdown"))
    for m in _REFERENCE_IMAGE.finditer(text):
        key = (m.group("id") or m.group("alt")).strip().lower()
        if key in definitions:
            described = bool(m.group("alt").strip()) or bool(
                _EMPTY_ALT.search(m.group("attributes") or "")
            )
            found.append((m.start(), definitions[key], described, "markdown"))
    for m in HTML_IMAGE.finditer(text):
        attributes = html_attributes(m.group("attributes"))
        if img_attributes is not None and set(attributes) - set(img_attributes):
            continue
        if "src" in attributes:
            found.append((m.start(), attributes["src"], "alt" in attributes, "html"))
    for start, src, described, how in sorted(found):
        yield text.count("\n", 0, start), src, described, how


def elsewhere_message(src: str, instead: str = "link it as {static}/images/NAME") -> str:
    return (
        f"the image {src} is on another site, and the site's security policy lets pages show "
        f"only their own images: download it into content/images/ and {instead}."
    )


def unreadable(path: Path, max_megapixels: int) -> str | None:
    """What is wrong with an image file, in words; None when it opens and is not too large.

    Only the header is read before the size is known to be within the limit. Pillow's
    own guard is set to the same limit (imaging.open_image): over twice the limit it
    refuses the file from its header, before anything is decoded.
    """
    limit = max_megapixels * 1_000_000
    advice = "Save a smaller copy, at most 2560 pixels wide, and use that."
    try:
        with imaging.open_image(path, limit) as image:
            width, height = image.size
            if width * height <= limit:
                image.verify()
        if width * height > limit:
            return (
                f"is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels), more than the "
                f"limit of {max_megapixels}. {advice}"
            )
        with imaging.open_image(path, limit) as image:
            image.draft(
                "RGB", (max(1, width // 8), max(1, height // 8))
            )  # JPEG: decode at 1/8 scale
            image.load()
    except Image.DecompressionBombError:  # over twice the limit: Pillow gives no size
        return (
            f"is more than {2 * max_megapixels} megapixels, more than the limit of "
            f"{max_megapixels}. {advice}"
        )
    except UnidentifiedImageError:
        return (
            "cannot be read as an image (it is not a PNG, JPEG, WebP, AVIF, GIF, TIFF or BMP file, "
            "whatever its name says). Replace it with a working JPEG or PNG file."
        )
    except IndexError:  # Pillow's PNG verify, for a file with a header and no image data
        return (
            "cannot be read as an image (it holds no image data). Replace it with a working "
            "JPEG or PNG file."
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
    img_attributes: Collection[str] | None = None,
    render: Callable[[str], str] | None = None,
) -> list[Problem]:
    """The images of an article's text, however written; adds each file it shows to `used`
    (its real path). `img_attributes`: see images_of. `render` makes the HTML of the text
    (the site's Markdown settings): an image on an indented line that it puts in a code
    block is text, not an image.

    A file outside content/ is never opened: containment.check refuses the address. An
    address with a scheme other than http: or https: (data:, javascript:) is the
    sanitizer's check's to refuse, in one line.
    """
    problems = []
    found = list(images_of(body, img_attributes))
    if render is not None:
        found = _shown(found, body, render)
    for offset, src, described, how in found:
        number = first_line + offset
        if elsewhere(src):
            problems.append(Problem(shown, number, elsewhere_message(src)))
            continue
        if _SCHEME.match(src):
            continue
        if not described:
            if how == "html":
                advice = (
                    'Add alt="what it shows" to the <img>; if it is only decoration, say so '
                    'with an empty alt: alt="".'
                )
            else:
                advice = (
                    f"Say in the brackets what it shows, as in ![a therapist's hands on a "
                    f"back]({src}); if it is only decoration, say so with an empty alt: "
                    f'![]({src}){{: alt=""}}.'
                )
            problems.append(Problem(shown, number, f"the image {src} has no alt text. {advice}"))
        path = image_file(src, article, content_root)
        if path is None or not within(path, content_root):
            continue
        if not path.exists() and not STATIC.match(src):
            # A {static} address is told by markdown.check with every other {static} link.
            problems.append(Problem(shown, number, _missing(src, article, content_root)))
            continue
        if not path.is_file():
            continue
        if used is not None:
            used.add(os.path.realpath(path))
        if wrong := unreadable(path, max_megapixels):
            problems.append(Problem(shown, number, f"the image {src} {wrong}"))
    return problems


def _shown(
    found: list[tuple[int, str, bool, str]], body: str, render: Callable[[str], str]
) -> list[tuple[int, str, bool, str]]:
    """The images that are not in an indented code block. Only a text with an image on an
    indented line is rendered: each such line marked at its end, to see where it lands."""
    lines = body.split("\n")
    indented = {offset for offset, *_ in found if _INDENTED.match(lines[offset])}
    if not indented:
        return found
    marked = [f"{line} {_MARK}{n}." if n in indented else line for n, line in enumerate(lines)]
    root = html5lib.parseFragment(
        render("\n".join(marked)), treebuilder="etree", namespaceHTMLElements=False
    )
    code = {
        int(n) for pre in root.iter("pre") for n in re.findall(_MARKED, "".join(pre.itertext()))
    }
    return [image for image in found if image[0] not in code]


_MARK = "sitekitline"
_MARKED = re.compile(rf"{_MARK}(\d+)\.")


def _missing(src: str, article: Path, content_root: Path) -> str:
    """The line for a site path or relative path that names no file, with the nearest name."""
    written = unquote(src.split("?", 1)[0].split("#", 1)[0])
    if instead := did_you_mean(written, article.parent, content_root):
        advice = f"Did you mean {instead}?"
    elif written.startswith("/"):
        advice = "Check the file name: a path that starts with / is read from content/."
    else:
        advice = (
            "Check the file name: a path without / in front is read from this file's folder; "
            "start it with / to read it from content/."
        )
    return f"the image {src} points to a file that does not exist. {advice}"


def field_image_problems(
    source: Source, named: str, root: Path, limit: int, used: set[str] | None = None
) -> list[Problem]:
    """The `Image:` field names a file below content/, as `{static}/...` would."""
    line = source.line_of("image")
    if elsewhere(named):
        return [
            Problem(source.shown, line, elsewhere_message(named, "name it as 'Image: images/NAME'"))
        ]
    path = image_file("{static}/" + named.split("}", 1)[-1].lstrip("/"), source.path, root)
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
