"""The sources check: every problem in every Markdown source and in content/authors.toml,
before Pelican writes anything, each one line naming the file and line.

The runner runs `contain` first, before Pelican lists a file, and `validate` in a
forked process while Pelican reads, and stops Pelican before it writes a page if it
found a problem (runner.SourceCheck). Each feature's own checks are called from
here, in one pass over the sources.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitekit.containment.check import reference_problems, tree_problems
from sitekit.core import addresses
from sitekit.core.problems import Problem, claimed_by_many, display_path
from sitekit.core.sources import (
    Source,
    content_entries,
    markdown_files,
    read_source,
    stray_files,
)
from sitekit.core.state import Options
from sitekit.hosting.check import security_txt_problems
from sitekit.images.check import field_image_problems, image_problems, unused_image_problems
from sitekit.images.imaging import RASTER_SUFFIXES
from sitekit.markdown import sanitize
from sitekit.markdown.check import (
    check_body,
    check_fields,
    custom_fields,
    footer_page_problems,
    name_problems,
    output_path,
    rendered,
    slug_of,
)
from sitekit.people import model as people
from sitekit.people.check import check_credits
from sitekit.redirects import check as redirects

__all__ = ["Source", "check_files", "contain", "validate"]


def contain(settings: dict, shown_relative_to: Path) -> list[Problem]:
    """What content/ holds, from its listing alone (containment.check): run before Pelican
    lists a file, since Pelican follows links and copies the static folders whole."""
    root = Path(settings["PATH"])
    entries = content_entries(root, settings) if root.is_dir() else []
    shown = display_path(root, shown_relative_to)
    options = Options.from_settings(settings)
    return sorted(tree_problems(entries, settings, options, shown, RASTER_SUFFIXES))


@dataclass
class _Checks:
    """What the check of each Markdown source needs, read once for all of them."""

    settings: dict
    root: Path
    prefix: str
    options: Options
    custom: Any
    described: dict
    people_shown: str
    people_ok: bool
    problems: list[Problem] = field(default_factory=list)
    used_images: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, settings: dict, shown_relative_to: Path) -> _Checks:
        root = Path(settings["PATH"])
        prefix = display_path(root, shown_relative_to)
        people_path = people.people_file(settings)
        people_shown = f"{prefix}/{people_path.relative_to(root).as_posix()}"
        described, people_problems = people.load(people_path, people_shown)
        custom, custom_problems = custom_fields(settings)
        return cls(
            settings,
            root,
            prefix,
            Options.from_settings(settings),
            custom,
            described,
            people_shown,
            bool(described or not people_problems),
            [*people_problems, *custom_problems],
        )

    def source(self, path: Path, kind: str) -> tuple[Source | None, list[Problem], str | None]:
        """The problems of one source on its own, the source (None if it cannot be read or
        has another generator's fields), and where it is written (None if nowhere)."""
        settings, root = self.settings, self.root
        shown = f"{self.prefix}/{path.relative_to(root).as_posix()}"
        source = read_source(path, shown)
        if isinstance(source, Problem):
            return None, [source], None
        if source.front_matter:  # another generator's fields: one line for the file
            return None, check_fields(source, kind), None
        problems = check_fields(source, kind, self.custom) + check_body(
            source, root, settings, kind
        )
        problems += name_problems(source, settings)
        problems += redirects.field_problems(source)
        publishable = RASTER_SUFFIXES | set(self.options.downloads)
        problems += reference_problems(source, root, self.prefix, publishable)
        if self.people_ok:  # a file that does not parse is reported alone
            problems += check_credits(source, self.described, self.people_shown)
        problems += image_problems(
            shown,
            source.body,
            source.body_line,
            path,
            root,
            self.options.image_max_megapixels,
            self.used_images,
            sanitize.ATTRIBUTES["img"],
            lambda text: rendered(text, settings),
        )
        if named := source.value("image"):
            problems += field_image_problems(
                source, named, root, self.options.image_max_megapixels, self.used_images
            )
        try:
            target = output_path(source, settings, kind) if source.value("title") else None
        except addresses.MissingField as missing:
            problems.append(
                Problem(
                    shown,
                    None,
                    f"{missing.setting} in the settings names {{{missing.field}}}, but this "
                    f"{kind} has no '{missing.field.title()}:' field. Add the field, or take "
                    f"{{{missing.field}}} out of {missing.setting}.",
                )
            )
            target = None
        except addresses.BadPattern as bad:
            problems.append(
                Problem(
                    shown,
                    None,
                    f"{bad.setting} in the settings cannot give this {kind} an address "
                    f"({bad.reason}). Write each placeholder as {{slug}}, {{date:%Y}}, "
                    "{category}, {author}, {lang} or {field}, the name of a field.",
                )
            )
            target = None
        return source, problems, target


def check_files(
    settings: dict, shown_relative_to: Path, paths: list[tuple[Path, str]]
) -> list[Problem]:
    """The problems of these Markdown sources ((path, "article" or "page")) on their own,
    and of the authors file: what `validate` finds in them but what depends on the other
    sources (two files written to one place, an old address claimed twice, an unused
    image). The live preview checks a saved file with it before its early page."""
    checks = _Checks.read(settings, shown_relative_to)
    for path, kind in paths:
        checks.problems += checks.source(path, kind)[1]
    return sorted(checks.problems, key=lambda p: (p.path, p.line or 0, p.message))


def validate(settings: dict, shown_relative_to: Path) -> list[Problem]:
    """Every problem in every Markdown source, sorted by file and line."""
    checks = _Checks.read(settings, shown_relative_to)
    root, prefix, options = checks.root, checks.prefix, checks.options
    problems = checks.problems
    written_to: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    # Old address -> the sources that claim it with Redirect-From (and the field's line).
    claimed: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    problems += stray_files(settings, prefix)
    page_slugs = set()
    sources = [(path, "article") for path in markdown_files(settings)]
    sources += [(path, "page") for path in markdown_files(settings, "PAGE")]
    for path, kind in sources:
        source, found, target = checks.source(path, kind)
        problems += found
        if source is None:
            continue
        shown = source.shown
        if kind == "page" and not source.draft:
            page_slugs.add(slug_of(source, settings))
        for old in redirects.claims(source):
            claimed[old].append((shown, source.line_of(redirects.FIELD)))
        if target:
            # The line that names the address: the Slug, or the Title it is made from.
            written_to[target].append((shown, source.line_of("slug") or source.line_of("title")))
    problems += footer_page_problems(settings, page_slugs)
    files = [Path(e.path) for e in content_entries(root, settings) if e.kind == "file"]
    problems += unused_image_problems(
        files, checks.used_images, root, prefix, options.image_max_megapixels
    )
    problems += security_txt_problems(settings, datetime.now(UTC))
    problems += redirects.claim_problems(claimed)
    problems += redirects.gone_problems(root, prefix)
    for target, written in written_to.items():
        if len(written) > 1:
            problems.append(
                claimed_by_many(
                    written,
                    lambda others, target=target: (
                        f"this file and {others} would be written to the same place, {target}. "
                        "Give each a different Slug."
                    ),
                )
            )
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
