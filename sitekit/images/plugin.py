"""Images in articles: responsive, private and fast, and a social image for every article.

- Each image of this site, however written (``![alt]({static}/images/NAME)``,
  ``/images/NAME``, ``../images/NAME`` or a raw ``<img>``: images.check.image_file
  resolves each to its file below content/), becomes a ``<picture>`` with AVIF and
  WebP candidates and the original format as fallback, several widths (none
  wider than the original), ``sizes`` matching the theme's column, and the
  ``width`` and ``height`` it is displayed at. Every image loads lazily except
  the article's first, the likely largest paint.
- ``article.social_image`` is the first image, or the one named by an
  ``Image:`` field, or else (in a build with a SITEURL, where other sites can
  fetch it) a generated card with the title and the site's name in the
  theme's colours.

The files are only planned here (sitekit.images.imaging names each by its content);
images.publish makes them, on every core, from a cache kept between builds.

Every file Pelican is about to copy from content/ is a raster image or a download
(`only_images_and_downloads`): the second line behind containment.check, which
reads a `{static}` link as the source writes it. Markdown reads an address with
spaces whole (``[x]({static}a.png b.svg)``, ``<{static}a.png b.svg>``), so the check
sees the image `a.png` where Pelican copies the drawing `a.png b.svg`.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

from pelican import signals

from sitekit.core import signals as ours
from sitekit.core import state
from sitekit.core.problems import display_path
from sitekit.core.sources import within
from sitekit.images import imaging
from sitekit.images.check import STATIC, image_file

logger = logging.getLogger(__name__)

_IMG = re.compile(r"<img\s[^>]*>")
_ATTRIBUTE = re.compile(r'([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*"([^"]*)")?')


def source_of(src: str, article: Path, content_root: Path) -> Path | None:
    """The image file an address names (`{static}/...`, a site path or a relative one), if it
    is a raster image under content/.

    Pelican reads before the sources check stops it: a file outside content/ is never
    opened here (the check refuses its address).
    """
    path = image_file(html.unescape(src), article, content_root)
    if path is None:
        return None
    path = path.resolve()
    if not path.is_relative_to(content_root):
        return None
    return path if path.suffix.lower() in imaging.RASTER_SUFFIXES and path.is_file() else None


def srcset(candidates: tuple[imaging.Candidate, ...], site_url: str) -> str:
    return ", ".join(f"{site_url}/{c.url_name} {c.width}w" for c in candidates)


def picture(
    image_set: imaging.ImageSet, attributes: dict[str, str], site_url: str, first: bool
) -> str:
    """The markup of one image; `attributes` are the img's own, already escaped."""
    largest = image_set.fallback[-1]
    sources = [
        f'<source type="{mime}" srcset="{srcset(candidates, site_url)}" sizes="{imaging.SIZES}">'
        for mime, candidates in image_set.sources[:-1]
    ]
    kept = {k: v for k, v in attributes.items() if k not in ("src", "width", "height", "loading")}
    own = " ".join(f'{k}="{v}"' for k, v in kept.items())
    loading = 'fetchpriority="high"' if first else 'loading="lazy" decoding="async"'
    fallback = (
        f'<img src="{site_url}/{largest.url_name}" srcset="{srcset(image_set.fallback, site_url)}" '
        f'sizes="{imaging.SIZES}" width="{largest.width}" height="{largest.height}" {own} {loading}>'
    )
    return "<picture>" + "".join(sources) + fallback + "</picture>"


def attributes_of(tag: str) -> dict[str, str]:
    return {name.lower(): value or "" for name, value in _ATTRIBUTE.findall(tag[4:-1].rstrip("/"))}


def social_candidate(image_set: imaging.ImageSet, alt: str) -> dict[str, Any]:
    """The fallback candidate nearest 1200 px wide, which every platform can show."""
    best = min(image_set.fallback, key=lambda c: abs(c.width - imaging.CARD_SIZE[0]))
    return {"path": best.url_name, "width": best.width, "height": best.height, "alt": alt}


def enrich(generator: Any, contents: list[Any] | None = None) -> None:
    # `article_generator_finalized`: every article is read, none is written yet;
    # `articles_read_again`: these articles only.
    settings = generator.settings
    build = state.of(settings)
    max_pixels = build.options.image_max_megapixels * 1_000_000
    content_root = Path(settings["PATH"]).resolve()
    site_url = settings["SITEURL"]
    palette = imaging.card_palette(build.stylesheet)
    for article in contents or [*generator.articles, *generator.drafts]:
        # Resolved only for an article that shows an image (a realpath call each).
        source = Path(article.source_path)
        found: list[tuple[imaging.ImageSet, str]] = []

        def replace(match: re.Match[str], source: Path = source, found: list = found) -> str:
            attributes = attributes_of(match.group(0))
            path = source_of(attributes.get("src", ""), source.resolve(), content_root)
            if path is None:
                return match.group(0)
            image_set = imaging.plan(path, max_pixels)
            build.image_jobs.update({job.name: job for job in image_set.jobs})
            found.append((image_set, html.unescape(attributes.get("alt", ""))))
            return picture(image_set, attributes, site_url, first=len(found) == 1)

        article._content = _IMG.sub(replace, article._content or "")
        named = STATIC.sub("", article.metadata.get("image", "")).lstrip("/")
        if named and (path := source_of("{static}/" + named, source.resolve(), content_root)):
            image_set = imaging.plan(path, max_pixels)
            build.image_jobs.update({job.name: job for job in image_set.jobs})
            article.social_image = social_candidate(image_set, article.title)
        elif found:
            article.social_image = social_candidate(*found[0])
        elif site_url:  # a card is for other sites to show: only a build with an address needs one
            job = imaging.card_job(article.slug, article.title, settings["SITENAME"], palette)
            build.image_jobs[job.name] = job
            width, height = imaging.CARD_SIZE
            article.social_image = {
                "path": job.name,
                "width": width,
                "height": height,
                "alt": article.title,
            }


def only_images_and_downloads(generator: Any) -> None:
    """Leave out, and report, every file to copy that is not a raster image or a download
    inside content/: the build fails, and nothing of it is copied even to the staging folder."""
    # `static_generator_finalized`: every file to copy is listed, none is copied yet.
    settings = generator.settings
    publishable = imaging.RASTER_SUFFIXES | set(state.of(settings).options.downloads)
    root = Path(settings["PATH"])
    kept = []
    for static in generator.staticfiles:
        path = Path(static.source_path)
        if path.suffix.lower() in publishable and within(path, root):
            kept.append(static)
            continue
        logger.error(
            "%s: a link in a page would publish this '%s' file, and only images and downloads "
            "are published (%s). Remove the link (an address with a space names the whole "
            "text up to the closing bracket), or list the suffix in the downloads option in "
            "SITEKIT.",
            display_path(path),
            path.suffix,
            ", ".join(sorted(publishable)),
        )
    # The same list the context holds, which the generator copies from.
    generator.staticfiles[:] = kept


def register() -> None:
    signals.article_generator_finalized.connect(enrich)
    ours.articles_read_again.connect(enrich)
    signals.static_generator_finalized.connect(only_images_and_downloads)
