"""Skip re-rendering pages whose inputs did not change since the last good build.

Pelican renders every page on every build, even with its content cache: a
one-edit rebuild of 1,000 articles still renders 1,600 pages. This plugin
swaps in a writer that gives each page a key, a hash of everything the page
can show:

- the theme's templates and the settings (the stylesheet and assets included);
- every value the page's template receives besides the settings: for an article,
  its HTML, metadata, neighbours and related articles; for a listing, the
  articles on that page; for pages that list everything, every article's
  metadata.

When the key equals the one recorded for the same file by the last good build,
that build's file is reused instead of rendering. The keys are recorded in the
cache folder, and sitekit.build commits them only after it has swapped the new
output into place, so they always describe the files in the output folder.
Tests build incrementally and cold and require byte-identical output.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

from pelican import signals
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer

MANIFEST = "render-keys.json"
PENDING = "render-keys.pending.json"
# Content fields a page may show about an article it links to.
SHOWN_FIELDS = (
    "title",
    "url",
    "date",
    "modified",
    "summary",
    "status",
    "slug",
    "lang",
    "reading_minutes",
    "toc",
)
# Context entries that say nothing about a page's text.
IGNORED = {"output_file", "localsiteurl", "static_links", "generated_content", "static_content"}


def _plain(value):
    """A JSON-able, order-stable stand-in for a setting; None for what cannot be compared."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    return f"<{type(value).__name__}>"


class Keys:
    """Computes page keys for one build, with per-object memos (objects do not change while writing)."""

    def __init__(self, settings: dict) -> None:
        theme = Path(settings["THEME"])
        volatile = {"OUTPUT_PATH", "CACHE_PATH", "PATH", "FINAL_OUTPUT_PATH"}
        digest = hashlib.sha256()
        for template in sorted(theme.rglob("*")):
            if template.is_file():
                digest.update(
                    template.relative_to(theme).as_posix().encode() + b"\0" + template.read_bytes()
                )
        stable = {k: _plain(v) for k, v in settings.items() if k.isupper() and k not in volatile}
        digest.update(json.dumps(stable, sort_keys=True, default=str).encode())
        self.base = digest.hexdigest()
        # id -> (the object, its digest). Holding the object keeps its id from
        # being reused by a later, different object during the build.
        self._memo: dict[int, tuple[object, str]] = {}
        self._shared: dict[int, tuple] = {}

    def of(self, value, depth: int = 0) -> str:
        if isinstance(value, (str, int, float, bool, datetime, date)) or value is None:
            return self._compute(value, depth)
        memo_key = (id(value), depth == 0)
        if memo_key in self._memo:
            return self._memo[memo_key][1]
        result = self._compute(value, depth)
        self._memo[memo_key] = (value, result)
        return result

    def _compute(self, value, depth: int) -> str:
        if isinstance(value, Content):
            return self.article(value, full=depth == 0)
        if isinstance(value, URLWrapper):
            return f"{type(value).__name__}:{value.name}:{value.url}"
        if isinstance(value, Page):
            return _hash(
                "page",
                value.number,
                value.paginator.num_pages,
                value.url,
                self.of(value.object_list, depth + 1),
            )
        if isinstance(value, Paginator):
            return _hash("paginator", value.name, value.url, value.num_pages, value.per_page)
        if isinstance(value, dict):
            return _hash(
                *(
                    f"{k}={self.of(v, depth + 1)}"
                    for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
                )
            )
        if isinstance(value, (list, tuple)):
            return _hash(*(self.of(v, depth + 1) for v in value))
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, (str, int, float, bool)) or value is None:
            return repr(value)
        return f"<{type(value).__name__}>"

    def article(self, content: Content, full: bool) -> str:
        """What a page can show of an article: everything when it is the page's own article."""
        shown = self._shown(content)
        if not full:
            return shown
        fields = [shown, hashlib.sha256((content._content or "").encode()).hexdigest()]
        for name in ("prev_article", "next_article"):
            fields.append(
                self._shown(getattr(content, name)) if getattr(content, name, None) else "-"
            )
        fields += [self._shown(other) for other in getattr(content, "related_posts", [])]
        return _hash(*fields)

    def _shown(self, content: Content) -> str:
        """Its metadata, links and labels: what a listing or a neighbour's page shows. Once per article."""
        memo_key = (id(content), "shown")
        if memo_key not in self._memo:
            fields = [repr(getattr(content, name, None)) for name in SHOWN_FIELDS]
            fields += [
                self.of(getattr(content, "category", None), 1),
                self.of(getattr(content, "tags", []), 1),
            ]
            self._memo[memo_key] = (content, _hash(*fields))
        return self._memo[memo_key][1]

    def shared(self, context: dict) -> str:
        """The digest of the context every page of a generator shares, once per distinct context."""
        remembered = self._shared.get(id(context))
        if (
            remembered
            and len(context) == remembered[1]
            and all(context[k] is v for k, v in remembered[2])
        ):
            return remembered[3]
        names = sorted(k for k in context if not k.isupper() and k not in IGNORED)
        entries = [(k, context[k]) for k in names]
        digest = _hash(*(f"{k}={self.of(v)}" for k, v in entries))
        self._shared[id(context)] = (context, len(context), entries, digest)
        return digest

    def page(self, template_name: str, shared: str, localcontext: dict, own: set) -> str:
        """A page's key: the shared digest plus what this page alone receives (`own` names)."""
        names = sorted(k for k in own if not k.isupper() and k not in IGNORED)
        return _hash(
            self.base, template_name, shared, *(f"{k}={self.of(localcontext[k])}" for k in names)
        )


def _hash(*parts) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


class _ReusingTemplate:
    """Stands in for a Jinja template: renders only when the page's key changed."""

    def __init__(self, template, writer: CachingWriter, context: dict, kwargs: dict) -> None:
        self.template = template
        self.writer = writer
        self.context = context
        self.kwargs = kwargs

    def render(self, localcontext: dict) -> str:
        # What this page alone receives: the writer's keyword arguments and the
        # pagination entries, which the shared context does not hold.
        own = (set(self.kwargs) & localcontext.keys()) | (localcontext.keys() - self.context.keys())
        key = self.writer.keys.page(
            self.template.name, self.writer.keys.shared(self.context), localcontext, own
        )
        return self.writer.render(self.template, localcontext, key)


class CachingWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.keys = Keys(settings)
        self.previous_output = Path(settings.get("FINAL_OUTPUT_PATH") or output_path)
        cache = Path(settings["CACHE_PATH"])
        self.previous = _load(cache / MANIFEST)
        self.pending_path = cache / PENDING
        self.recorded: dict[str, str] = {}
        self.reused = self.rendered = 0

    def write_file(self, name, template, context, *args, **kwargs):
        wrapped = _ReusingTemplate(template, self, context, kwargs)
        return super().write_file(name, wrapped, context, *args, **kwargs)

    def render(self, template, localcontext: dict, key: str) -> str:
        name = localcontext["output_file"]
        self.recorded[name] = key
        previous_file = self.previous_output / name
        if self.previous.get(name) == key and previous_file.is_file():
            self.reused += 1
            return previous_file.read_text("utf-8")
        self.rendered += 1
        return template.render(localcontext)

    def save_pending(self) -> None:
        self.pending_path.parent.mkdir(parents=True, exist_ok=True)
        self.pending_path.write_text(json.dumps(self.recorded, sort_keys=True), "utf-8")


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def commit(cache_path: Path) -> None:
    """Called once the new output is in place: its keys now describe the output folder."""
    pending = Path(cache_path) / PENDING
    if pending.exists():
        pending.replace(Path(cache_path) / MANIFEST)


def discard(cache_path: Path) -> None:
    (Path(cache_path) / PENDING).unlink(missing_ok=True)


_writers: list[CachingWriter] = []


def provide_writer(pelican):
    # Pelican instantiates the class itself; remember the instance to save its keys.
    class _Writer(CachingWriter):
        def __init__(self, output_path, settings=None):
            super().__init__(output_path, settings=settings)
            _writers.append(self)

    return _Writer


def save_keys(pelican) -> None:
    while _writers:
        writer = _writers.pop()
        writer.save_pending()
        # Read by sitekit.build for its summary line.
        pelican.settings["RENDER_STATS"] = {"rendered": writer.rendered, "reused": writer.reused}


def register():
    signals.get_writer.connect(provide_writer)
    signals.finalized.connect(save_keys)
