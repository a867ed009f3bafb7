"""Start a new article or page: `invoke new "Title"`, `invoke new --page "Title"`.

The file gets every field the validator requires. What only the editor can
write is marked with a TODO placeholder, and the file starts as a draft:
the build refuses a placeholder in an article or page that is not a draft.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from pelican.utils import slugify

from sitekit.core.sources import Source, markdown_files, read_source
from sitekit.markdown.check import PLACEHOLDER

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


PAGE_TEMPLATE = """\
Title: {title}
Slug: {slug}
Summary: {todo} one or two sentences, at most 160 characters, for search engines and link previews.
Status: draft

{todo} write the page here. Add its Slug ({slug}) to FOOTER_PAGES in pelicanconf.py to link it from every page's footer. Remove "Status: draft" to publish it.
"""


def _usable(slug: str) -> bool:
    """A slug that names a file the build reads: Pelican skips a hidden file (IGNORE_FILES
    has `.*`), and `content/articles/.md` is one."""
    return not slug.startswith(".") and any(character.isalnum() for character in slug)


def _create(
    title: str, settings: dict, kind: str, today: date | None, slug: str | None = None
) -> Path:
    """Write the new article or page from its template; refuse to overwrite a file."""
    title = " ".join(title.split())
    flag = "" if kind == "ARTICLE" else "--page "
    if not title:
        example = "Stretches for the upper back" if kind == "ARTICLE" else "Editorial policy"
        raise ValueError(
            f'give the {kind.lower()} a title, for example: invoke new {flag}"{example}"'
        )
    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    if slug is not None:
        given, slug = slug, slugify(slug, regex_subs=subs)
        if not _usable(slug):
            raise ValueError(
                f"--slug {given!r} gives no file name: write it in letters, digits and hyphens, "
                f'for example: invoke new {flag}"{title}" --slug stretches-for-the-back'
            )
    else:
        slug = slugify(title, regex_subs=subs)
        if not _usable(slug):
            raise ValueError(
                f"the title {title!r} has no letters or digits to name the file by: give the "
                f'name with --slug, for example: invoke new {flag}"{title}" --slug '
                "stretches-for-the-back"
            )
    folder = Path(settings["PATH"]) / (settings.get(f"{kind}_PATHS") or [kind.lower() + "s"])[0]
    path = folder / f"{slug}.md"
    fields = {"title": title, "slug": slug, "todo": f"{PLACEHOLDER}:"}
    if kind == "ARTICLE":
        fields |= {
            "date": (today or date.today()).isoformat(),
            "category": usual_category(settings),
        }
    text = (TEMPLATE if kind == "ARTICLE" else PAGE_TEMPLATE).format(**fields)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise FileExistsError(
            f"{path} already exists; choose another title or edit that file"
        ) from None
    return path


def new_article(
    title: str, settings: dict, today: date | None = None, slug: str | None = None
) -> Path:
    """Create content/articles/<slug>.md as a draft and return its path; the slug is made
    from the title unless given."""
    return _create(title, settings, "ARTICLE", today, slug)


def new_page(title: str, settings: dict, slug: str | None = None) -> Path:
    """Create content/pages/<slug>.md as a draft and return its path."""
    return _create(title, settings, "PAGE", None, slug)
