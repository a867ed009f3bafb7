"""The people who write and review articles, described once in content/authors.toml.

An article names its writer with ``Author:`` and, optionally, who checked it
with ``Reviewed-By:`` and ``Last-Reviewed:``. Each name must be the ``name`` of
one ``[[people]]`` entry::

    [[people]]
    name = "The name as articles write it"
    bio = "One paragraph about them, shown on their page."
    credentials = "Optional: qualifications, shown after the name."
    url = "Optional: https://their-own-site.example/"

The file is TOML, read with the standard library's tomllib; a mistake in it is
one line naming the file and the line, like any other source problem.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitekit.core.problems import Problem

DEFAULT_FILE = "authors.toml"
FIELDS = {"name", "bio", "credentials", "url"}


@dataclass(frozen=True)
class Person:
    name: str
    bio: str
    credentials: str = ""
    url: str = ""


def people_file(settings: dict[str, Any]) -> Path:
    return Path(settings["PATH"]) / settings.get("AUTHORS_FILE", DEFAULT_FILE)


def _entry_lines(text: str) -> list[int]:
    """The line of each [[people]] header, in order."""
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[people]]"]


def load(path: Path, shown: str) -> tuple[dict[str, Person], list[Problem]]:
    """Everyone the file describes, by name, and the problems in it. No file: no one."""
    if not path.is_file():
        return {}, []
    text = path.read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        return {}, [
            Problem(
                shown,
                int(found.group(1)) if found else None,
                f"this is not valid TOML ({reason}). Each entry starts with [[people]], "
                'followed by lines such as name = "..." with the text in double quotes.',
            )
        ]
    people: dict[str, Person] = {}
    problems = []
    lines = _entry_lines(text)
    unknown_tables = sorted(set(data) - {"people"})
    if unknown_tables:
        problems.append(
            Problem(
                shown,
                None,
                f"unknown section '{unknown_tables[0]}'. Describe each person in a [[people]] entry.",
            )
        )
    for index, entry in enumerate(data.get("people", [])):
        line = lines[index] if index < len(lines) else None
        for name in sorted(set(entry) - FIELDS):
            problems.append(
                Problem(
                    shown,
                    line,
                    f"unknown field '{name}'. A person has name, bio, credentials and url.",
                )
            )
        missing = [f for f in ("name", "bio") if not str(entry.get(f, "")).strip()]
        if missing:
            problems.append(
                Problem(shown, line, f"this person has no {' and no '.join(missing)}. Add it.")
            )
            continue
        person = Person(**{k: str(v).strip() for k, v in entry.items() if k in FIELDS})
        if person.url and not person.url.startswith(("https://", "http://")):
            problems.append(
                Problem(shown, line, f"the url of {person.name} must start with https://.")
            )
        if person.name in people:
            problems.append(
                Problem(shown, line, f"{person.name} is described twice. Keep one entry.")
            )
        people[person.name] = person
    return people, problems
