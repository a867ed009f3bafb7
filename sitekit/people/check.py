"""Who wrote and who reviewed an article: Author, Reviewed-By and Last-Reviewed (sitekit.people.model)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from sitekit.core.dates import date_problem, parse_iso
from sitekit.core.problems import Problem
from sitekit.people.model import Person

if TYPE_CHECKING:
    from sitekit.core.sources import Source


def _unknown(field: str, name: str, people: dict[str, Person], file_shown: str) -> str:
    if not people:
        return (
            f"'{field}: {name}' names someone {file_shown} does not describe (it describes no one). "
            f"Add a [[people]] entry for them there first."
        )
    guess = difflib.get_close_matches(name, people, n=1)
    hint = (
        f" Did you mean '{guess[0]}'?" if guess else f" It describes: {', '.join(sorted(people))}."
    )
    return f"'{field}: {name}' is not described in {file_shown}.{hint}"


def check_credits(source: Source, people: dict[str, Person], file_shown: str) -> list[Problem]:
    problems = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(source.shown, source.line_of(key), message))

    names = [("author", source.value("author"))] if source.value("author") else []
    names += [("authors", n.strip()) for n in source.value("authors").split(",") if n.strip()]
    if source.value("reviewed-by"):
        names.append(("reviewed-by", source.value("reviewed-by")))
    for key, name in names:
        if name not in people:
            problem(key, _unknown(source.keys[key], name, people, file_shown))

    reviewer, reviewed = source.value("reviewed-by"), source.value("last-reviewed")
    if reviewer and not reviewed:
        problem(
            "reviewed-by",
            f"'{source.keys['reviewed-by']}: {reviewer}' needs the date of that review: add a "
            "line 'Last-Reviewed: YYYY-MM-DD'.",
        )
    if reviewed and not reviewer:
        problem(
            "last-reviewed",
            f"'{source.keys['last-reviewed']}: {reviewed}' says when the article was reviewed "
            "but not by whom: add a line 'Reviewed-By: <name>'.",
        )
    if reviewed:
        if message := date_problem(source.keys["last-reviewed"], reviewed):
            problem("last-reviewed", message)
        else:
            published = parse_iso(source.value("date"))
            checked = parse_iso(reviewed)
            if published and checked and checked.date() < published.date():
                problem(
                    "last-reviewed",
                    f"'{source.keys['last-reviewed']}: {reviewed}' is earlier than "
                    f"'{source.keys['date']}: {source.value('date')}'. An article is reviewed "
                    "after it is written: correct one of them.",
                )
    problems += _review_by_problems(source)
    return problems


def _review_by_problems(source: Source) -> list[Problem]:
    """Review-By: a date, and not before the last review (or, with none, the article's Date)."""
    written = source.value("review-by")
    if not written:
        return []
    line = source.line_of("review-by")
    if message := date_problem(source.keys["review-by"], written):
        return [Problem(source.shown, line, message)]
    due = parse_iso(written)
    for key in ("last-reviewed", "date"):
        before = parse_iso(source.value(key))
        if due and before and due.date() < before.date():
            what = "its last review" if key == "last-reviewed" else "the article's date"
            return [
                Problem(
                    source.shown,
                    line,
                    f"'{source.keys['review-by']}: {written}' is earlier than "
                    f"'{source.keys[key]}: {source.value(key)}': the next review comes after "
                    f"{what}. Correct one of them.",
                )
            ]
        if before:  # the last review is the date to compare with, when there is one
            break
    return []
