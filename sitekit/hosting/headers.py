"""The site's HTTP headers, defined once.

From this one definition come:
- ``_headers`` in the production output, for Netlify and Cloudflare Pages;
- ``deploy/nginx.conf`` (`invoke deploy-config` writes it; a test keeps it current);
- the ``<meta http-equiv="Content-Security-Policy">`` for hosts that cannot set
  headers, such as GitHub Pages.

The policy allows only what the pages use: the inlined stylesheet, by its
sha256 hash, images from the site itself, and the search form, which every
page carries, sending its query to the site's own search page. The search page
alone also runs scripts from the site and Pagefind's WebAssembly
(``'wasm-unsafe-eval'``), and fetches the index from the site.

Netlify and Cloudflare apply every `_headers` rule that matches a path and
join a header two rules set with a comma, and two policies joined like that
are both enforced. No rule can exclude a path, and Cloudflare takes at most
100 rules, so the one `/*` rule carries the search page's policy and every
other page narrows it with its own `<meta>` policy, which is today's strict
one: a browser enforces both, so what a page may do is what both allow
(tests/test_search.py applies the rules as the hosts do and checks every page
that way). nginx gives each location its exact policy.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Directives a <meta> policy may not carry: browsers ignore them there, with a console error.
HEADER_ONLY_DIRECTIVES = {"frame-ancestors", "report-uri", "sandbox"}

CACHE_REVALIDATE = "no-cache"
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp_directives(stylesheet: str, origin: str = "", search: bool = False) -> dict[str, str]:
    """`origin`, the site's own, is named beside 'self' in a <meta> policy, which
    checkers may apply to a page opened from a file rather than from the site."""
    self_ = f"'self' {origin}" if origin else "'self'"
    directives = {
        "default-src": "'none'",
        "style-src": csp_hash(stylesheet),
        "img-src": self_,
        "base-uri": "'none'",
        "form-action": self_,
        "frame-ancestors": "'none'",
    }
    if search:
        directives |= {"script-src": f"{self_} 'wasm-unsafe-eval'", "connect-src": self_}
    return directives


def content_security_policy(
    stylesheet: str,
    for_meta: bool = False,
    scripts: Iterable[str] = (),
    origin: str = "",
    search: bool = False,
) -> str:
    """The policy; `scripts` are a page's inline blocks (its JSON-LD) to allow by hash.

    Browsers never run JSON-LD, but validators check it against a <meta> policy,
    so a page's own policy names the exact blocks it carries. `search` gives the
    search page's policy.
    """
    directives = csp_directives(stylesheet, origin, search)
    if scripts:
        directives["script-src"] = " ".join(csp_hash(block) for block in scripts)
    return "; ".join(
        f"{name} {value}"
        for name, value in directives.items()
        if not (for_meta and name in HEADER_ONLY_DIRECTIVES)
    )


def security_headers(stylesheet: str, search: bool = False) -> dict[str, str]:
    """Headers every response carries (`search`: those of the search page)."""
    return {
        "Content-Security-Policy": content_security_policy(stylesheet, search=search),
        "Strict-Transport-Security": "max-age=31536000",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def immutable_prefix(settings: dict[str, Any]) -> str:
    """URL path below which every file is fingerprinted (see templating.fingerprints)."""
    return "/" + settings["THEME_STATIC_DIR"].strip("/") + "/"


def netlify_headers(settings: dict[str, Any], stylesheet: str) -> str:
    """The `_headers` file of Netlify and Cloudflare Pages.

    Both merge the headers of every rule a path matches, so Cache-Control is set
    only on fingerprinted assets; HTML keeps the hosts' default, which revalidates.
    """
    lines = ["/*"]
    # The search page's policy; every other page narrows it with its <meta> policy.
    headers = security_headers(stylesheet, search=True).items()
    lines += [f"  {name}: {value}" for name, value in headers]
    lines += [immutable_prefix(settings) + "*", f"  Cache-Control: {CACHE_IMMUTABLE}"]
    return "\n".join(lines) + "\n"


def write_headers_file(output: Path, name: str, settings: dict[str, Any], stylesheet: str) -> None:
    (output / name).write_text(netlify_headers(settings, stylesheet), "utf-8")


def _nginx_add_headers(
    stylesheet: str, cache_control: str, indent: str, search: bool = False
) -> list[str]:
    headers = {**security_headers(stylesheet, search), "Cache-Control": cache_control}
    return [f'{indent}add_header {name} "{value}" always;' for name, value in headers.items()]


def nginx_config(
    settings: dict[str, Any],
    stylesheet: str,
    root: str = "/srv/back-massage-site",
    listen: str = "80",
) -> str:
    """A complete nginx `server` block for the production output.

    nginx drops inherited add_header lines in any location that sets its own,
    so each location repeats the full set.
    """
    indent = " " * 8
    lines = [
        "# Generated by `invoke deploy-config` from sitekit/hosting/headers.py: do not edit by hand.",
        "# Needs Debian's libnginx-mod-http-brotli-static for brotli_static.",
        "server {",
        f"    listen {listen};",
        "    server_name _;",
        f"    root {root};",
        "    index index.html;",
        "    charset utf-8;",
        "    gzip_static on;",
        "    brotli_static on;",
        "    gzip_vary on;",
        "    server_tokens off;",
        "    error_page 404 /404.html;",
        "",
        "    location / {",
        "        try_files $uri $uri/ =404;",
        *_nginx_add_headers(stylesheet, CACHE_REVALIDATE, indent),
        "    }",
        "",
        f"    location {immutable_prefix(settings)} {{",
        *_nginx_add_headers(stylesheet, CACHE_IMMUTABLE, indent),
        "    }",
        "",
        "    # The search page (and its index.html after nginx's internal redirect), and",
        "    # Pagefind's files: its Web Worker runs under the policy of its own response.",
        f"    location ^~ /{settings.get('SEARCH_URL', 'search/')} {{",
        "        try_files $uri $uri/ =404;",
        *_nginx_add_headers(stylesheet, CACHE_REVALIDATE, indent, search=True),
        "    }",
        "",
        "    location ^~ /pagefind/ {",
        *_nginx_add_headers(stylesheet, CACHE_REVALIDATE, indent, search=True),
        "    }",
        "",
        "    location = /_headers {",
        "        return 404;",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"
