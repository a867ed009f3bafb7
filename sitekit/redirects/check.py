"""The sources check's part: each `Redirect-From:` field and each line of content/gone.txt
is a list of site paths, and no two sources claim the same old address.

An address is written as a reader's browser shows it below the site's address,
starting with a slash: `/old-slug/` (a folder's, as Pelican's pretty URLs are) or
`/old.html` (a file's). `/old-slug` is read as `/old-slug/`, the page a reader
reached there.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitekit.core.problems import Problem, claimed_by_many
from sitekit.core.sources import Source

FIELD = "redirect-from"
# Below content/: the addresses removed on purpose, and the record of every published one.
GONE_FILE = "gone.txt"
RECORD_FILE = "addresses.txt"
# Letters, digits, `.`, `_`, `~` and `-` between single slashes: what Pelican writes
# (sitekit.markdown.check.ADDRESS_FIELDS), with no scheme, host, query or fragment.
_ADDRESS = re.compile(r"/(?:[\w.~-]+/)*(?:[\w.~-]+)?")


def normal_address(written: str) -> str | None:
    """The address as the record and the hosts name it (`/old-slug/`), or None if `written`
    is no site path: a folder's address ends with its slash; a last segment with a dot
    (`/old.html`) is a file's."""
    written = written.strip()
    if not _ADDRESS.fullmatch(written) or any(s in {".", ".."} for s in written.split("/")):
        return None
    last = written.rsplit("/", 1)[1]
    return written if not last or "." in last else written + "/"


def saved_as(address: str) -> str:
    """The file below the output folder that answers `address`."""
    name = address.lstrip("/")
    return name + "index.html" if not name or name.endswith("/") else name


def parse_list(value: str) -> tuple[list[str], list[str]]:
    """(the addresses, the parts that are none) of a comma-separated field."""
    good, bad = [], []
    for part in (p.strip() for p in value.split(",")):
        if part:
            address = normal_address(part)
            (good if address else bad).append(address or part)
    return good, bad


_HOW = (
    "Write each old address as a path of this site, starting with a slash and "
    "separated by commas, such as 'Redirect-From: /old-slug/, /2019/older-title/'."
)


def field_problems(source: Source) -> list[Problem]:
    """What is wrong with the source's Redirect-From field, one line each."""
    if FIELD not in source.fields:
        return []
    written = source.keys[FIELD]
    value = source.value(FIELD)
    line = source.line_of(FIELD)
    good, bad = parse_list(value)
    if not good and not bad:
        return [Problem(source.shown, line, f"'{written}:' is empty. {_HOW}")]
    return [
        Problem(source.shown, line, f"'{written}: {part}' is not an address of this site. {_HOW}")
        for part in bad
    ]


def claims(source: Source) -> list[str]:
    """The old addresses the source claims (those written correctly)."""
    return parse_list(source.value(FIELD))[0] if FIELD in source.fields else []


def claim_problems(claimed: dict[str, list[tuple[str, int | None]]]) -> list[Problem]:
    """Two sources (or one, twice) claiming one old address: a reader can be sent to one."""
    problems = []
    for address, by in sorted(claimed.items()):
        if len(by) > 1:
            problems.append(
                claimed_by_many(
                    by,
                    lambda others, address=address: (
                        f"'Redirect-From: {address}' is also claimed by {others}: an old "
                        "address can lead to one page only. Keep it in the one that replaces it."
                    ),
                )
            )
    return problems


def read_list(path: Path) -> list[tuple[str, int]]:
    """The lines of content/gone.txt (or the record) that are not empty or a `#` comment,
    with their numbers; each is the address first, and anything after a space."""
    if not path.is_file():
        return []
    lines = path.read_text("utf-8").splitlines()
    return [
        (line.strip(), number)
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def gone(path: Path) -> list[tuple[str, int]]:
    """The addresses content/gone.txt lists, normalized, with their lines (those written right)."""
    return [(a, n) for line, n in read_list(path) if (a := normal_address(line.split()[0]))]


def gone_problems(root: Path, shown: str) -> list[Problem]:
    """Each line of content/gone.txt that is no address of this site."""
    path = root / GONE_FILE
    return [
        Problem(
            f"{shown}/{GONE_FILE}",
            number,
            f"'{line}' is not an address of this site. Write one address a line, starting "
            "with a slash, such as /old-slug/ (a line starting with # is a comment).",
        )
        for line, number in read_list(path)
        if normal_address(line.split()[0]) is None
    ]
