"""Start a new article: `invoke new "Title of the article"`.

The file gets every field the validator requires. What only the editor can
write is marked with a TODO placeholder, and the article starts as a draft:
the build refuses a placeholder in an article that is not a draft.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from pelican.utils import slugify

from sitekit.sources.validate import PLACEHOLDER, Source, markdown_files, read_source

TEMPLATE = """\
Title: {title}
Date: {date}
Category: {category}
Tags: {todo} three to five tags, separated by commas
Slug: {slug}
Summary: {todo} one or two sentences, at most 160 characters, shown on listings and to search engines.
Status: draft

{todo} write the article here, with an empty line between paragraphs. Remove "Status: draft" to publish it.
"""


def usual_category(settings: dict) -> str:
    """The category most articles use, so a new one joins them unless the editor says otherwise."""
    counts = Counter()
    for path in markdown_files(settings):
        source = read_source(path, str(path))
        if isinstance(source, Source) and source.value("category"):
            counts[source.value("category")] += 1
    return counts.most_common(1)[0][0] if counts else f"{PLACEHOLDER}: a category"


def new_article(title: str, settings: dict, today: date | None = None) -> Path:
    """Create the file and return its path; refuse to overwrite one that exists."""
    title = " ".join(title.split())
    if not title:
        raise ValueError(
            'give the article a title, for example: invoke new "Stretches for the upper back"'
        )
    slug = slugify(title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    folder = Path(settings["PATH"]) / (settings.get("ARTICLE_PATHS") or [""])[0]
    path = folder / f"{slug}.md"
    text = TEMPLATE.format(
        title=title,
        date=(today or date.today()).isoformat(),
        category=usual_category(settings),
        slug=slug,
        todo=f"{PLACEHOLDER}:",
    )
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise FileExistsError(
            f"{path} already exists; choose another title or edit that file"
        ) from None
    return path
