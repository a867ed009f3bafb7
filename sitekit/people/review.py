"""When an article is due for its next review, from its fields alone.

An article's next review is its ``Review-By:`` field, if it has one; otherwise
the date it was last looked at, ``Last-Reviewed:`` (or, with no review,
``Modified:`` or ``Date:``), plus ``review_interval_months`` (sitekit.core.state.
Options, 12 by default). An article is overdue from that day on.

The plugin (sitekit.people.plugin) puts a ``Review`` on every article for the
templates and names the overdue ones in one note of the build; ``invoke review``
(``table`` below) lists every article; the sources check (sitekit.people.check)
refuses a ``Review-By`` that cannot be read or comes before the last review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta

# The build's note (BuildState.notices), shown as "note: due for a new review: ...".
NOTICE_KEY = "due for a new review"


@dataclass(frozen=True)
class Review:
    """An article's review dates, as its page shows them."""

    # Last-Reviewed, or None: nobody has reviewed the article.
    last_reviewed: date | None
    # Who reviewed it (Reviewed-By), or "".
    reviewer: str
    # The day the article is due for its next review.
    next_review: date
    # The field the next review comes from: "Review-By", "Last-Reviewed", "Modified" or "Date".
    basis: str
    # Due on or before the day of the build.
    overdue: bool
    # The article's own newest date besides a review: Modified, or Date (its notice says
    # "Published on" or "Updated on" when nobody reviewed it).
    written: date
    updated: bool


def today() -> date:
    return datetime.now(UTC).date()


def schedule(
    *,
    published: date,
    modified: date | None,
    last_reviewed: date | None,
    review_by: date | None,
    reviewer: str,
    months: int,
    on: date,
) -> Review:
    """The review dates of an article with these fields, on the day `on`."""
    written = max(published, modified) if modified else published
    if review_by is not None:
        due, basis = review_by, "Review-By"
    else:
        since, basis = (
            (last_reviewed, "Last-Reviewed")
            if last_reviewed
            else (written, "Modified" if modified and modified > published else "Date")
        )
        due = since + relativedelta(months=months)
    return Review(
        last_reviewed=last_reviewed,
        reviewer=reviewer,
        next_review=due,
        basis=basis,
        overdue=due <= on,
        written=written,
        updated=written != published,
    )


# The overdue articles the build's line names; past that it counts the rest, so that the
# line stays one line on a site of thousands.
NAMED_AT_MOST = 5


def notice(overdue: list[tuple[str, date]], shown: Callable[[str], str] = str) -> str:
    """The build's one line about the overdue articles (path, next review), the longest
    overdue first; `shown` words the path of each article named."""
    ordered = sorted(overdue, key=lambda item: (item[1], item[0]))
    named = ", ".join(
        f"{shown(path)} (since {due:%Y-%m-%d})" for path, due in ordered[:NAMED_AT_MOST]
    )
    more = len(ordered) - NAMED_AT_MOST
    named += f" and {more} more" if more > 0 else ""
    return f"{named}. 'invoke review' lists every article's review dates."


def table(rows: Iterable[tuple[str, Review]]) -> str:
    """The articles and their review dates, overdue first, then by next review."""
    ordered = sorted(rows, key=lambda row: (not row[1].overdue, row[1].next_review, row[0]))
    header = ("article", "last reviewed", "reviewed by", "next review", "")
    lines = [
        (
            path,
            f"{review.last_reviewed:%Y-%m-%d}" if review.last_reviewed else "never",
            review.reviewer or "-",
            f"{review.next_review:%Y-%m-%d}",
            "OVERDUE" if review.overdue else "",
        )
        for path, review in ordered
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *lines]
    )
