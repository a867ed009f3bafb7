"""What the site makes of an image: responsive variants, clean copies and social cards.

Pillow does the decoding, orientation, resizing and encoding (AVIF and WebP
come with its wheels). What is ours is the plan, which pelican-plugins'
image-process does not fit: its derivatives are named by settings, not by
content, so it re-encodes into every fresh staging folder; it needs a class on
each image; it keeps no cache between builds and uses one core.

- Every file this module writes is named by a key of its source's bytes and
  of the settings below, so a name is a cache entry (as in eleventy-img).
- Nothing is ever upscaled; width and height come from the header, after
  EXIF orientation, before anything is encoded.
- No written image keeps EXIF or XMP data (GPS included): only the colour
  profile is carried over.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from math import ceil
from pathlib import Path, PurePosixPath

import PIL
from PIL import Image, ImageColor, ImageDraw, ImageFont, ImageOps

from sitekit.core.state import Options

# The theme's text column is at most 40rem (640 px); 2x screens want twice that.
WIDTHS = (320, 640, 960, 1280)
SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
# Modern formats, best first: (MIME type, file suffix, Pillow format, options).
MODERN = (
    ("image/avif", "avif", "AVIF", (("quality", 55), ("speed", 6), ("max_threads", 1))),
    ("image/webp", "webp", "WEBP", (("quality", 78), ("method", 6))),
)
FALLBACK = {
    "png": ("image/png", "png", "PNG", (("optimize", True),)),
    "jpg": (
        "image/jpeg",
        "jpg",
        "JPEG",
        (("quality", 82), ("optimize", True), ("progressive", True)),
    ),
}
RASTER_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".tif", ".tiff", ".bmp"}
# The decoders a file from content/ is opened with: the formats of RASTER_SUFFIXES (the JPEG
# decoder opens a JPEG of several frames, MPO, too). Without the list Pillow tries every
# format it knows, some of which hand the file to another program (EPS to Ghostscript).
FORMATS = ("PNG", "JPEG", "WEBP", "AVIF", "GIF", "TIFF", "BMP")
CARD_SIZE = (1200, 630)
# Bump when the way images are made changes: every cached file is then made again.
VERSION = "2"
VARIANT_FOLDER = "images/_"
CARD_FOLDER = "images/cards"


# The largest image opened by default: the image_max_megapixels option's default.
MAX_PIXELS = Options.image_max_megapixels * 1_000_000
# Up to this size an image is decoded whole to make its variants, as before larger ones
# were allowed (so their variants keep their bytes); a larger one is decoded at a reduced
# size where the format allows (a JPEG at 1/2, 1/4 or 1/8), never below twice the width made.
WHOLE_PIXELS = 40_000_000


@contextmanager
def open_image(path: Path | str, max_pixels: int = MAX_PIXELS) -> Iterator[Image.Image]:
    """Open an image from content/ with FORMATS' decoders only, with Pillow's own guard against
    decompression bombs (Image.MAX_IMAGE_PIXELS) set to `max_pixels`, the site's limit, and
    without the warning Pillow gives between the limit and twice it: the sources check tells
    the size of such an image (images.check.unreadable). Over twice the limit, Pillow raises
    Image.DecompressionBombError from the header, before decoding anything.

    The guard is Pillow's module setting: it is set for the time the file is open, and put
    back after (a build opens images from one thread in each process)."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=FORMATS) as image:
                yield image
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def settings_key() -> bytes:
    return repr((VERSION, WIDTHS, MODERN, FALLBACK, CARD_SIZE, PIL.__version__)).encode()


@dataclass(frozen=True)
class Job:
    """One file to write: `name` below the output folder, made from `source` or drawn as a card."""

    name: str
    kind: str  # "variant", "clean" or "card"
    source: str = ""
    width: int = 0
    pillow_format: str = ""
    options: tuple[tuple[str, object], ...] = ()
    card: tuple[str, ...] = ()
    max_pixels: int = MAX_PIXELS  # Pillow's guard while the source is opened

    @property
    def cache_name(self) -> str:
        return PurePosixPath(self.name).name if self.kind != "clean" else self.key_name

    @property
    def key_name(self) -> str:
        """For a clean copy: named by its bytes and format, wherever the file lies."""
        made_of = (self.kind, self.pillow_format, self.options)
        digest = hashlib.sha256(repr(made_of).encode() + settings_key()).hexdigest()[:16]
        return f"{digest}{PurePosixPath(self.name).suffix}"


@dataclass(frozen=True)
class Candidate:
    url_name: str  # below the site's root
    width: int
    height: int


@dataclass(frozen=True)
class ImageSet:
    """Every candidate of one source image, grouped by MIME type, fallback last."""

    width: int
    height: int
    sources: tuple[tuple[str, tuple[Candidate, ...]], ...]
    jobs: tuple[Job, ...]

    @property
    def fallback(self) -> tuple[Candidate, ...]:
        return self.sources[-1][1]


def source_key(path: Path) -> str:
    """The image's bytes and every encoding option, hashed (as eleventy-img does)."""
    stat = path.stat()
    return _source_key(path, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


@cache
def _source_key(path: Path, size: int, mtime_ns: int, ctime_ns: int, inode: int) -> str:
    # Read once a process for each version of the file: any write to it, or a file
    # replaced under the same name, changes its change time or its inode, which no
    # copy that keeps the modification time (cp -p, rsync -t) can set back.
    return hashlib.sha256(path.read_bytes() + settings_key()).hexdigest()[:10]


def displayed_size(image: Image.Image) -> tuple[int, int]:
    """Width and height as shown, after the EXIF orientation (5 to 8 turn the image)."""
    orientation = image.getexif().get(0x0112, 1)
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def widths_for(original: int) -> list[int]:
    """At least two widths, none wider than the original."""
    widths = [w for w in WIDTHS if w < original] + [min(original, WIDTHS[-1])]
    if len(widths) < 2:
        widths.insert(0, max(1, original // 2))
    return sorted(set(widths))


def plan(path: Path, max_pixels: int = MAX_PIXELS) -> ImageSet:
    """The candidates of an image and the jobs that make them; reads only the header."""
    key = source_key(path)
    with open_image(path, max_pixels) as image:
        width, height = displayed_size(image)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    fallback = FALLBACK["png" if has_alpha or path.suffix.lower() == ".png" else "jpg"]
    stem = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "image"
    sources, jobs = [], []
    for mime, suffix, pillow_format, options in (*MODERN, fallback):
        candidates = []
        for w in widths_for(width):
            h = max(1, round(height * w / width))
            name = f"{VARIANT_FOLDER}/{stem}-{w}.{key}.{suffix}"
            candidates.append(Candidate(name, w, h))
            jobs.append(
                Job(name, "variant", str(path), w, pillow_format, options, max_pixels=max_pixels)
            )
        sources.append((mime, tuple(candidates)))
    return ImageSet(width, height, tuple(sources), tuple(jobs))


def clean_job(name: str, path: Path, max_pixels: int = MAX_PIXELS) -> Job:
    """A published copy of a raster file, at its own size and format, with no metadata."""
    suffix = path.suffix.lower()
    pillow_format = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}.get(
        suffix, Image.registered_extensions().get(suffix, "PNG")
    )
    options = dict(FALLBACK["jpg"][3]) if pillow_format == "JPEG" else {}
    return Job(
        name,
        "clean",
        str(path),
        0,
        pillow_format,
        (*options.items(), ("key", source_key(path))),
        max_pixels=max_pixels,
    )


def card_job(slug: str, title: str, site_name: str, colours: tuple[str, str, str, str]) -> Job:
    digest = hashlib.sha256(
        repr((title, site_name, colours)).encode() + settings_key()
    ).hexdigest()[:10]
    return Job(f"{CARD_FOLDER}/{slug}.{digest}.png", "card", card=(title, site_name, *colours))


def make(job: Job) -> bytes:
    """The bytes of one job's file. Runs in a worker process."""
    if job.kind == "card":
        return draw_card(*job.card)
    with open_image(job.source, job.max_pixels) as opened:
        icc = opened.info.get("icc_profile")
        large = opened.width * opened.height > WHOLE_PIXELS
        if job.kind == "variant" and large:
            stored_width, stored_height = opened.size
            shown_width = displayed_size(opened)[0]
            scale = 2 * job.width / shown_width  # decoded at least twice the width made
            opened.draft(None, (ceil(stored_width * scale), ceil(stored_height * scale)))
        image = ImageOps.exif_transpose(opened)
    if job.kind == "variant" and job.width < image.width:
        height = max(1, round(image.height * job.width / image.width))
        # A large image that could not be decoded smaller is first reduced by whole factors
        # (Image.reduce, fast), to no less than twice the size made, then resampled.
        gap = 2.0 if large else None
        image = image.resize((job.width, height), Image.Resampling.LANCZOS, reducing_gap=gap)
    options = {k: v for k, v in job.options if k != "key"}
    if job.pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode == "P":
        image = image.convert("RGBA")
    if icc:
        options["icc_profile"] = icc
    buffer = io.BytesIO()
    # No exif= and no xmp=: Pillow writes neither unless asked.
    image.save(buffer, job.pillow_format, **options)
    return buffer.getvalue()


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def ramp(start: str, end: str, steps: int) -> list[int]:
    """`steps` palette entries from one colour to another, as flat RGB values."""
    a, b = ImageColor.getrgb(start)[:3], ImageColor.getrgb(end)[:3]
    return [
        round(x + (y - x) * i / (steps - 1))
        for i in range(steps)
        for x, y in zip(a, b, strict=True)
    ]


# The card's palette: 64 shades from the background to the text colour (the
# title's anti-aliased edges), 64 to the muted colour (the site's name), then the accent.
SHADES = 64
ACCENT_INDEX = 2 * SHADES


@cache
def card_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's TrueType face at `size`, loaded once a process (a tenth of a card's time)."""
    return ImageFont.load_default(size=size)


def draw_card(
    title: str, site_name: str, background: str, text: str, accent: str, muted: str
) -> bytes:
    """A 1200x630 social card: the title and the site's name, in the theme's colours.

    The font is the TrueType face Pillow ships (Aileron), so nothing is downloaded.
    The text is drawn as coverage (greyscale) and mapped onto a palette of the
    four colours' shades: a palette PNG took 5.4 ms and 21 KB where drawing in RGB
    took 22 ms and 34 KB (measured on a 40-character title). The site's name and
    the palette, the same on every card, are made once a process.
    """
    width, height = CARD_SIZE
    coverage = Image.new("L", (width, CARD_FOOTER), 0)
    draw = ImageDraw.Draw(coverage)
    size = 76
    font = card_font(size)
    lines = wrap(title, font, width - 2 * CARD_MARGIN)
    while len(lines) > 4 and size > 40:
        size -= 8
        font = card_font(size)
        lines = wrap(title, font, width - 2 * CARD_MARGIN)
    y = CARD_MARGIN
    for line in lines[:5]:
        draw.text((CARD_MARGIN, y), line, font=font, fill=255)
        y += round(size * 1.25)
    card = Image.new("P", CARD_SIZE, 0)
    card.putpalette(_palette(background, text, accent, muted))
    card.paste(coverage.point(_TITLE_SHADES), (0, 0))
    card.paste(_site_name(site_name), (0, CARD_FOOTER))
    ImageDraw.Draw(card).rectangle((0, 0, 24, height), fill=ACCENT_INDEX)
    buffer = io.BytesIO()
    # zlib's run-length strategy suits a palette image of flat colour: measured on a
    # two-line title, 1.7 ms to encode and 27.7 KB, against 2.2 ms and 27.5 KB at level 3
    # with the default strategy, and 5.0 ms and 22.4 KB at level 6.
    card.save(buffer, "PNG", compress_level=3, compress_type=zlib.Z_RLE)
    return buffer.getvalue()


CARD_MARGIN = 96
# Where the site's name starts. The title never reaches it: at most four lines at 76 px,
# or five from 36 px up (321 px high at most).
CARD_FOOTER = CARD_SIZE[1] - CARD_MARGIN - 40
# Coverage (0 to 255) -> palette index: the title's shades, then the site name's.
_SHIFT = 8 - (SHADES - 1).bit_length()
_TITLE_SHADES = [v >> _SHIFT for v in range(256)]
_NAME_SHADES = [SHADES + (v >> _SHIFT) if v else 0 for v in range(256)]


@cache
def _site_name(site_name: str) -> Image.Image:
    """The strip below the title, with the site's name, as palette indexes."""
    width, height = CARD_SIZE
    strip = Image.new("L", (width, height - CARD_FOOTER), 0)
    ImageDraw.Draw(strip).text((CARD_MARGIN, 0), site_name, font=card_font(40), fill=255)
    return strip.point(_NAME_SHADES)


@cache
def _palette(background: str, text: str, accent: str, muted: str) -> list[int]:
    return (
        ramp(background, text, SHADES)
        + ramp(background, muted, SHADES)
        + list(ImageColor.getrgb(accent)[:3])
    )


# The theme's colour tokens a social card is drawn in, in draw_card's order (background,
# text, accent, muted), each with the colour used should the stylesheet's :root lack it.
CARD_COLOURS = (
    ("--color-background", "#ffffff"),
    ("--color-text", "#111111"),
    ("--color-link", "#0b4b86"),
    ("--color-muted", "#444444"),
)


def card_palette(css: str) -> tuple[str, str, str, str]:
    """The colours of CARD_COLOURS in a stylesheet's light scheme, for card_job."""
    colours = theme_colours(css)
    background, text, accent, muted = (
        colours.get(name, fallback) for name, fallback in CARD_COLOURS
    )
    return background, text, accent, muted


# A comment, a quoted string, or one of the characters that shape a stylesheet's rules.
_CSS_TOKEN = re.compile(r'/\*.*?(?:\*/|\Z)|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{};]', re.DOTALL)


def _root_rules(css: str) -> list[str]:
    """The declarations of each top-level ``:root`` rule, in order: the light scheme.

    A ``:root`` rule inside an at-rule (the dark scheme's ``@media``, print) is not one;
    braces and semicolons in comments and strings are not structure.
    """
    bodies: list[str] = []
    depth, start, body_start, root = 0, 0, 0, False
    for token in _CSS_TOKEN.finditer(css):
        char = token.group()
        if char == "{":
            if depth == 0:
                selectors = _strip_comments(css[start : token.start()]).split(",")
                root = ":root" in (selector.strip() for selector in selectors)
                body_start = token.end()
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
            if depth == 0:
                if root:
                    bodies.append(_strip_comments(css[body_start : token.start()]))
                start, root = token.end(), False
        elif char == ";" and depth == 0:  # an at-rule without a block (@import, @charset)
            start = token.end()
    return bodies


def _strip_comments(css: str) -> str:
    return _CSS_TOKEN.sub(lambda t: "" if t.group().startswith("/*") else t.group(), css)


def _declarations(body: str) -> list[tuple[str, str]]:
    """(property, value) of each declaration, split at semicolons outside strings."""
    parts, start = [], 0
    for token in _CSS_TOKEN.finditer(body + ";"):
        if token.group() == ";":
            parts.append(body[start : token.start()])
            start = token.end()
    return [
        (name.strip(), value.strip())
        for name, _, value in (part.partition(":") for part in parts)
        if value
    ]


def theme_colours(css: str) -> dict[str, str]:
    """The custom properties of a stylesheet's light scheme (its top-level :root rules, the
    later winning), with var() references resolved."""
    values = {
        name: value
        for body in _root_rules(css)
        for name, value in _declarations(body)
        if name.startswith("--")
    }

    def resolve(value: str, depth: int = 0) -> str:
        found = re.fullmatch(r"var\((--[a-z0-9-]+)\)", value.strip())
        if found and depth < 10 and found.group(1) in values:
            return resolve(values[found.group(1)], depth + 1)
        return value.strip()

    return {name: resolve(value) for name, value in values.items()}
