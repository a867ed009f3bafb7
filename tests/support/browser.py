"""Loading pages in Debian's Chromium and auditing them with axe-core."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import axe_playwright_python

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")

# axe's WCAG 2.0-2.2 A and AA rules, its best practices, and the 7:1 contrast rule.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"color-contrast-enhanced": {"enabled": True}},
    "resultTypes": ["violations"],
}

# A colour scheme changes colours only: after the full audit in the first
# scheme, the others are checked with the rules about colour.
AXE_COLOUR_OPTIONS = {
    "runOnly": {
        "type": "rule",
        "values": ["color-contrast", "color-contrast-enhanced", "link-in-text-block"],
    },
    "resultTypes": ["violations"],
}

# The sum of layout-shift scores so far, as the browser reports them, and what moved.
CLS_SCRIPT = """() => new Promise(resolve => {
  let total = 0;
  const moved = [];
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      total += entry.value;
      for (const source of entry.sources || []) {
        const node = source.node;
        moved.push(node && node.nodeType === 1 ? node.tagName.toLowerCase() +
          (node.className ? "." + node.className : "") : String(node && node.nodeName));
      }
    }
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve([total, moved])));
})"""

SCROLLS_SIDEWAYS = "document.scrollingElement.scrollWidth > innerWidth"


@contextmanager
def watching(page, origin: str, problems: list[str]):
    """Record what goes wrong on the page meanwhile: console errors, failed or foreign requests."""
    handlers = {
        "console": lambda m: m.type == "error" and problems.append(f"console: {m.text}"),
        "pageerror": lambda e: problems.append(f"page error: {e}"),
        "requestfailed": lambda r: problems.append(f"request failed: {r.url}"),
        "request": lambda r: r.url.startswith(origin) or problems.append(f"other origin: {r.url}"),
    }
    for event, handler in handlers.items():
        page.on(event, handler)
    try:
        yield problems
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)


def axe_violations(page, options=AXE_OPTIONS) -> list[str]:
    """Run axe on the page as it is now (evaluate AXE_SCRIPT in it first)."""
    results = page.evaluate("options => axe.run(document, options)", options)
    return [f"axe {v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results["violations"]]


def audit(
    page, url: str, origin: str, schemes: tuple[str, ...], ready: str | None = None
) -> dict[str, list[str]]:
    """Load `url` in `page` and return, per colour scheme, everything wrong with it.

    `ready`, a JavaScript predicate, holds once the page has drawn what a script
    draws after loading (the search page's results): the checks wait for it, and
    raise if it does not hold within 5 s. Loading, layout shift and sideways
    scrolling are checked once; axe runs in every scheme, switched without a reload.
    """
    page.emulate_media(color_scheme=schemes[0])
    problems: list[str] = []
    with watching(page, origin, problems):
        response = page.goto(url, wait_until="load")
        if response.status != 200:
            problems.append(f"status {response.status}")
        if ready is not None:
            page.wait_for_function(ready, timeout=5000)
        cls, moved = page.evaluate(CLS_SCRIPT)
        if cls != 0:
            problems.append(f"layout shift {cls} ({', '.join(moved)})")
        if page.evaluate(SCROLLS_SIDEWAYS):
            problems.append("scrolls horizontally")
        page.evaluate(AXE_SCRIPT)
        found = {}
        for n, scheme in enumerate(schemes):
            page.emulate_media(color_scheme=scheme)
            options = AXE_OPTIONS if n == 0 else AXE_COLOUR_OPTIONS
            found[scheme] = axe_violations(page, options)
    return {scheme: problems + violations for scheme, violations in found.items()}
