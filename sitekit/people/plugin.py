"""Authors and reviewers: the people of content/authors.toml (sitekit.people.model) on articles and author pages.

The sources check (sitekit.people.check) has already refused an unknown name,
a reviewer without a date and a review dated before the article, so this plugin
only attaches what templates show:

- ``article.person``: the Person the ``Author:`` field names (None without one);
- ``article.reviewer`` and ``article.last_reviewed``: from ``Reviewed-By:`` and
  ``Last-Reviewed:``;
- ``article.review`` (sitekit.people.review): its last and next review, and whether it
  is overdue; ``article.review_notice``: whether its page says so (the ``review_notice``
  option). The build names the overdue published articles in one note;
- ``author.person`` on each Author object, for its page (author.html).

The file is part of the build's inputs digest (sitekit.core.inputs), so a changed
bio renders every page that shows it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals

from sitekit.core import signals as ours
from sitekit.core import state
from sitekit.core.dates import parse_iso
from sitekit.core.problems import display_path
from sitekit.people import model as people
from sitekit.people import review


def load(pelican: Any) -> None:
    # `initialized`: before any generator runs.
    described, problems = people.load(people.people_file(pelican.settings), "authors file")
    if problems:  # the sources check reports these first; a bare Pelican run stops here
        raise ValueError(str(problems[0]))
    state.of(pelican.settings).people = described


def attach(generator: Any, contents: list[Any] | None = None) -> None:
    # `article_generator_finalized`: every article is read, none is written yet;
    # `articles_read_again`: these articles only (the authors' pages are the last build's).
    described: dict[str, people.Person] = state.of(generator.settings).people
    pages: dict[str, Any] = {}
    for author in getattr(generator, "authors", []):
        author[0].person = described.get(author[0].name)
        pages[author[0].name] = author[0]
    for article in contents or [*generator.articles, *generator.drafts]:
        author = getattr(article, "author", None)
        article.person = described.get(author.name) if author is not None else None
        reviewer = article.metadata.get("reviewed-by")
        article.reviewer = described.get(reviewer) if reviewer else None
        # The reviewer's own page, when they have written an article too.
        article.reviewer_page = pages.get(reviewer) if reviewer else None
        reviewed = parse_iso(article.metadata.get("last-reviewed", ""))
        article.last_reviewed = reviewed.date() if reviewed else None
    note_reviews(generator, contents)


def note_reviews(generator: Any, contents: list[Any] | None = None) -> None:
    """Each article's review dates (``article.review``), and one note naming the overdue
    (not for `contents`, some articles read again)."""
    build = state.of(generator.settings)
    on = review.today()
    overdue = []
    # Translations (Pelican's other-language articles) are pages of their own too.
    published = [] if contents else [*generator.articles, *generator.translations]
    every = [*published, *generator.drafts, *generator.drafts_translations]
    listed = {id(article) for article in published}
    for article in contents or every:
        reviewed = parse_iso(article.metadata.get("last-reviewed", ""))
        review_by = parse_iso(article.metadata.get("review-by", ""))
        modified = article.metadata.get("modified")  # Pelican's own attribute defaults to Date
        article.review = review.schedule(
            published=article.date.date(),
            modified=modified.date() if modified else None,
            last_reviewed=reviewed.date() if reviewed else None,
            review_by=review_by.date() if review_by else None,
            reviewer=article.metadata.get("reviewed-by", ""),
            months=build.options.review_interval_months,
            on=on,
        )
        article.review_notice = build.options.review_notice and article.review.overdue
        if article.review.overdue and id(article) in listed:
            overdue.append((article.source_path, article.review.next_review))
    if overdue:
        # Only the articles the note names are worded as shown (a realpath call each).
        build.notices[review.NOTICE_KEY] = review.notice(
            overdue, lambda path: display_path(Path(path))
        )


def register() -> None:
    signals.initialized.connect(load)
    signals.article_generator_finalized.connect(attach)
    ours.articles_read_again.connect(attach)
