"""Loading pages in Debian's Chromium and auditing them with axe-core."""

from __future__ import annotations

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

# The sum of layout-shift scores so far, as the browser reports them.
CLS_SCRIPT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""

SCROLLS_SIDEWAYS = "document.scrollingElement.scrollWidth > innerWidth"


def watch(page, origin: str) -> list[str]:
    """Record what goes wrong on the page from now on: console errors, failed or foreign requests."""
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on(
        "request", lambda r: r.url.startswith(origin) or problems.append(f"other origin: {r.url}")
    )
    return problems


def axe_violations(page) -> list[str]:
    """Run axe on the page as it is now (inject it first with `inject_axe`)."""
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [f"axe {v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results["violations"]]


def audit(context, url: str, origin: str, schemes: tuple[str, ...]) -> dict[str, list[str]]:
    """Load `url` once in a new tab and return, per colour scheme, everything wrong with it.

    Loading, layout shift and sideways scrolling are checked once; axe runs in
    every scheme, switched without a reload.
    """
    page = context.new_page()
    page.emulate_media(color_scheme=schemes[0])
    problems = watch(page, origin)
    response = page.goto(url, wait_until="load")
    if response.status != 200:
        problems.append(f"status {response.status}")
    if (cls := page.evaluate(CLS_SCRIPT)) != 0:
        problems.append(f"layout shift {cls}")
    if page.evaluate(SCROLLS_SIDEWAYS):
        problems.append("scrolls horizontally")
    page.evaluate(AXE_SCRIPT)
    found = {}
    for scheme in schemes:
        page.emulate_media(color_scheme=scheme)
        found[scheme] = problems + axe_violations(page)
    page.close()
    return found
