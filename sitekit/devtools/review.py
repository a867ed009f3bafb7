"""`invoke review`: every published article's last review, reviewer and next review, overdue
first, read from the sources' fields alone (sitekit.people.review), without a build."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sitekit.core.dates import parse_iso
from sitekit.core.problems import display_path
from sitekit.core.sources import Source, markdown_files, read_source
from sitekit.core.state import Options
from sitekit.people import review


def rows(settings: dict[str, Any], on: date) -> tuple[list[tuple[str, review.Review]], list[str]]:
    """Each published article (its path as shown) with its review dates, and a line for each
    article whose dates cannot be read (the build names the fix)."""
    months = Options.from_settings(settings).review_interval_months
    found, unreadable = [], []
    for path in markdown_files(settings):
        shown = display_path(path)
        source = read_source(path, shown)
        if isinstance(source, Source) and source.draft:
            continue
        dates = _dates(source) if isinstance(source, Source) else None
        if dates is None:
            unreadable.append(f"{shown}: its dates cannot be read; 'invoke build' says why.")
            continue
        published, modified, last_reviewed, review_by = dates
        found.append(
            (
                shown,
                review.schedule(
                    published=published,
                    modified=modified,
                    last_reviewed=last_reviewed,
                    review_by=review_by,
                    reviewer=source.value("reviewed-by"),
                    months=months,
                    on=on,
                ),
            )
        )
    return found, unreadable


def _dates(source: Source) -> tuple[date, date | None, date | None, date | None] | None:
    values = []
    for key in ("date", "modified", "last-reviewed", "review-by"):
        written = source.value(key)
        moment = parse_iso(written) if written else None
        if written and moment is None:
            return None
        values.append(moment.date() if moment else None)
    published, modified, last_reviewed, review_by = values
    if published is None:
        return None
    return published, modified, last_reviewed, review_by


def main(settings: dict[str, Any], on: date | None = None) -> int:
    """Print the table; always 0: a review that is due is work to plan, not a failure."""
    found, unreadable = rows(settings, on or review.today())
    if found:
        print(review.table(found))
        overdue = sum(1 for _, dates in found if dates.overdue)
        print(f"{len(found)} article(s), {overdue} due for a new review.")
    else:
        print(f"No published articles in {display_path(Path(settings['PATH']))}/.")
    for line in unreadable:
        print(line)
    return 0
