"""The site's HTTP headers, defined once.

From this one definition come:
- ``_headers`` in the production output, for Netlify and Cloudflare Pages;
- ``deploy/nginx.conf`` (`invoke deploy-config` writes it; a test keeps it current);
- the ``<meta http-equiv="Content-Security-Policy">`` for hosts that cannot set
  headers, such as GitHub Pages.

The redirects (``BuildState.moved`` and ``gone``, from sitekit.redirects) are written
by each production build for the hosts: ``_redirects`` for Netlify and Cloudflare Pages,
and an nginx map, ``_redirects.nginx``, which deploy/nginx.conf includes from the site's
own folder, so that the addresses live in the build's output alone, never in the config.

The policy allows only what the pages use: the inlined stylesheet, by its
sha256 hash, images from the site itself, and the search form, which every
page carries, sending its query to the site's own search page. The search page
and Pagefind's files alone also run scripts from the site and Pagefind's
WebAssembly (``'wasm-unsafe-eval'``), fetch the index from the site, and
require Trusted Types: the one policy they may create is the search script's
``default``, which vouches for Pagefind's Web Worker and nothing else.

Netlify and Cloudflare apply every `_headers` rule that matches a path and
join a header two rules set with a comma, and two policies joined like that
are both enforced; neither can exclude a path from a rule (Cloudflare's
``! Header`` detaches one, but Netlify does not know it). So no two CSP rules
may match one path: the search folders are named segment by segment, every
other address by its shortest prefix that no search folder starts with
(`strict_rules`). nginx gives each location its exact policy.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sitekit.core.state import Options

# Directives a <meta> policy may not carry: browsers ignore them there, with a console error.
HEADER_ONLY_DIRECTIVES = {"frame-ancestors", "report-uri", "sandbox"}

CACHE_REVALIDATE = "no-cache"
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"

# Two years, this host and every subdomain. Not `preload`: once on the browsers'
# preload list, a domain cannot serve plain HTTP on any subdomain for months after
# leaving it. Add it (and submit the domain) only if that is meant for good.
HSTS = "max-age=63072000; includeSubDomains"

# Pagefind's index, which only the search page reads.
PAGEFIND_FOLDER = "pagefind"
# How deep below a search folder a `_headers` rule reaches: Pagefind's deepest file
# is two folders down (pagefind/fragment/...), three in a local rebuild's delta;
# tests/test_search.py checks.
SEARCH_RULE_DEPTH = 4
# Files the `downloads` option lets the static folders publish (a PDF, say) are sent
# with this, so that a browser saves them instead of showing them; they keep the strict
# policy, which runs nothing, in case one is opened all the same.
ATTACHMENT = {"Content-Disposition": "attachment"}

# Characters that mean themselves in a rule on both hosts (Netlify does not
# escape a path segment that holds a `*`, so a `.` there matches any character).
_LITERAL = re.compile(r"[A-Za-z0-9_~-]+")


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
        directives |= {
            "script-src": f"{self_} 'wasm-unsafe-eval'",
            "connect-src": self_,
            "require-trusted-types-for": "'script'",
            "trusted-types": "default",
        }
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


def common_headers() -> dict[str, str]:
    """Headers every response over HTTPS carries, whatever its path."""
    return {
        "Strict-Transport-Security": HSTS,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        # No other site may embed our files (images, feeds, the index) in its pages.
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def security_headers(stylesheet: str, search: bool = False) -> dict[str, str]:
    """Headers every response carries (`search`: those of the search page)."""
    return {
        "Content-Security-Policy": content_security_policy(stylesheet, search=search),
        **common_headers(),
    }


def immutable_prefix(settings: dict[str, Any]) -> str:
    """URL path below which every file is fingerprinted (see templating.fingerprints)."""
    return "/" + settings["THEME_STATIC_DIR"].strip("/") + "/"


def search_folders(settings: dict[str, Any]) -> list[str]:
    """The top-level folders whose files get the search page's policy."""
    return [settings.get("SEARCH_URL", "search/").strip("/").split("/")[0], PAGEFIND_FOLDER]


def folder_rules(folder: str, depth: int) -> list[str]:
    """`_headers` paths for a folder's own address and each file down to `depth` folders
    below it, a segment at a time: Netlify's `/search/*` would also match `/search-tips/`."""
    return [f"/{folder}/" + "/".join(f":{chr(97 + n)}" for n in range(d)) for d in range(depth + 1)]


def _strict_rule(path: str, excluded: list[str]) -> str:
    """The `_headers` path that covers `path` and no search folder: its shortest prefix
    that no search folder starts with and whose last segment is literal, as a splat
    (`/b*`), or else the path itself (`/page/`)."""
    for n in range(1, len(path) + 1):
        prefix = path[:n]
        if any(folder.startswith(prefix) for folder in excluded):
            continue
        if _LITERAL.fullmatch(prefix.rsplit("/", 1)[-1]):
            return f"/{prefix}*"
    return f"/{path}"


def strict_rules(paths: Iterable[str], search: Iterable[str]) -> list[str]:
    """`_headers` paths that match every address in `paths` (below the site's root, a
    folder's with its trailing slash) and nothing in the `search` folders.

    Each address gets its shortest prefix that no search folder's path starts with, as
    a splat: `/b*` for back-massage-therapy/ and every other address from b; `/se*` is
    not one, as search/ starts with it, so search-tips/ gets `/search-*`. Two addresses
    never get overlapping prefixes: they stop at the same one. A prefix never ends with
    its slash (Netlify reads `/page/*` as `/page*`, which matches /pagefind/), and its
    last segment holds only characters that both hosts take literally (Netlify does not
    escape a segment with a `*`, where `.` is any character): page/2/ gets `/page/2*`,
    .well-known/security.txt `/.well-known/s*`. An address with no such prefix is
    named as it is: page/, every prefix of which pagefind/ shares.
    """
    excluded = [f"{folder}/" for folder in search]
    rules = {"/"}
    for path in paths:
        if not any(path.startswith(folder) for folder in excluded):
            rules.add(_strict_rule(path, excluded))
    return sorted(rules)


def published_paths(output: Path, search: Iterable[str] = ()) -> list[str]:
    """The address of every file in `output` below the site's root, and each folder's with
    an index.html (its pretty URL), but none in the `search` folders (which Pagefind
    may still be writing) and not `_headers` or `_redirects`, which the hosts read."""
    skipped = {*search, "_headers", REDIRECTS_FILE}
    paths = []
    for top in sorted(output.iterdir()):
        if top.name in skipped:
            continue
        for file in sorted(top.rglob("*")) if top.is_dir() else [top]:
            if file.is_file():
                name = file.relative_to(output).as_posix()
                paths.append(name)
                if file.name == "index.html" and file.parent != output:
                    paths.append(name.removesuffix("index.html"))
    return paths


def is_download(path: str, settings: dict[str, Any]) -> bool:
    """Whether the file at `path` (below the site's root) is one the `downloads` option
    lets the static folders publish: the site's own robots.txt or feeds never are, as
    in nginx's location (`download_location`)."""
    suffixes = tuple(Options.from_settings(settings).downloads)
    folders = tuple(folder.strip("/") + "/" for folder in settings["STATIC_PATHS"])
    return bool(suffixes) and path.startswith(folders) and path.lower().endswith(suffixes)


def download_location(settings: dict[str, Any]) -> str | None:
    """The nginx location (a regular expression) of the static folders' downloads."""
    suffixes = Options.from_settings(settings).downloads
    if not suffixes:
        return None
    folders = "|".join(re.escape(folder.strip("/")) for folder in settings["STATIC_PATHS"])
    kinds = "|".join(re.escape(suffix.lstrip(".")) for suffix in suffixes)
    return f"~* ^/({folders})/.+\\.({kinds})$"


def netlify_headers(settings: dict[str, Any], stylesheet: str, paths: Iterable[str]) -> str:
    """The `_headers` file of Netlify and Cloudflare Pages, for an output of these
    `paths` (`published_paths`).

    Both apply every rule that matches a path and join a header set twice, so each
    header is set by exactly one rule matching any path: the common ones by `/*`,
    the policy by the search or the strict rules, Cache-Control on fingerprinted
    assets only (HTML keeps the hosts' default, which revalidates).
    """
    search = search_folders(settings)
    blocks = [("/*", common_headers())]
    strict = content_security_policy(stylesheet)
    blocks += [(path, {"Content-Security-Policy": strict}) for path in strict_rules(paths, search)]
    policy = content_security_policy(stylesheet, search=True)
    blocks += [
        (path, {"Content-Security-Policy": policy})
        for folder in search
        for path in folder_rules(folder, SEARCH_RULE_DEPTH)
    ]
    # Fingerprinted files sit right in the folder: one segment, as above.
    blocks += [(immutable_prefix(settings) + ":file", {"Cache-Control": CACHE_IMMUTABLE})]
    # Each download by its exact address: a splat such as `/*.pdf` is a regular expression
    # on Netlify, whose `.` would also match a page at /guide-pdf/.
    blocks += [(f"/{path}", ATTACHMENT) for path in paths if is_download(path, settings)]
    lines = []
    for path, headers in blocks:
        lines += [path, *(f"  {name}: {value}" for name, value in headers.items())]
    return "\n".join(lines) + "\n"


def write_headers_file(output: Path, name: str, settings: dict[str, Any], stylesheet: str) -> None:
    paths = published_paths(output, search_folders(settings))
    (output / name).write_text(netlify_headers(settings, stylesheet, paths), "utf-8")


# Netlify and Cloudflare read this name; nginx.conf includes the map of the same redirects.
REDIRECTS_FILE = "_redirects"
NGINX_REDIRECTS = "_redirects.nginx"
# The nginx variable the map sets: the new address, or GONE.
NGINX_MOVED = "$back_massage_moved"
GONE = "gone"


def _old_forms(address: str) -> list[str]:
    """The paths a reader may ask for an old address by: `/old/` also as `/old` and
    `/old/index.html`, which would otherwise reach the redirect page."""
    if address.endswith("/"):
        return [address, address.rstrip("/") or "/", address + "index.html"]
    return [address]


def netlify_redirects(moved: dict[str, str], gone: Iterable[str]) -> str:
    """The `_redirects` file of Netlify and Cloudflare Pages: `301!` for each old address
    (`!`: Netlify answers a path with a file, as the redirect page is, from the file
    unless forced; Cloudflare always redirects first), and for a gone address the 404
    page with `410` where the host allows it (Netlify; Cloudflare skips the line and
    answers its 404 page)."""
    lines = ["# Written by the build from the Redirect-From fields and content/gone.txt."]
    for old, new in sorted(moved.items()):
        lines += [f"{path} {new} 301!" for path in _old_forms(old)[:2]]
    for address in sorted(gone):
        lines += [f"{path} /404.html 410" for path in _old_forms(address)[:2]]
    return "\n".join(lines) + "\n"


def nginx_redirects(moved: dict[str, str], gone: Iterable[str]) -> str:
    """The entries of nginx's map (deploy/nginx.conf includes it): each old address's
    forms -> its new address, each gone one's -> `gone`."""
    entries = {path: new for old, new in moved.items() for path in _old_forms(old)}
    entries |= {path: GONE for address in gone for path in _old_forms(address)}
    lines = ["# Written by the build from the Redirect-From fields and content/gone.txt."]
    lines += [f'"{path}" "{value}";' for path, value in sorted(entries.items())]
    return "\n".join(lines) + "\n"


def write_redirects_files(
    output: Path, name: str, moved: dict[str, str], gone: Iterable[str]
) -> None:
    gone = list(gone)
    (output / name).write_text(netlify_redirects(moved, gone), "utf-8")
    (output / NGINX_REDIRECTS).write_text(nginx_redirects(moved, gone), "utf-8")


def _nginx_add_headers(
    stylesheet: str,
    cache_control: str,
    indent: str,
    search: bool = False,
    extra: dict[str, str] | None = None,
) -> list[str]:
    headers = {**security_headers(stylesheet, search), "Cache-Control": cache_control}
    headers |= extra or {}
    return [f'{indent}add_header {name} "{value}" always;' for name, value in headers.items()]


# Mozilla's "intermediate" TLS settings (ssl-config.mozilla.org): TLS 1.2 and 1.3, and
# for 1.2 only ciphers with forward secrecy and authenticated encryption.
TLS_CIPHERS = ":".join(
    [
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
    ]
)


def nginx_config(
    settings: dict[str, Any], stylesheet: str, root: str = "/srv/back-massage-site"
) -> str:
    """Two nginx `server` blocks for the production output: HTTPS, and plain HTTP that
    only sends every request there.

    nginx drops inherited add_header lines in any location that sets its own,
    so each location repeats the full set.
    """
    indent = " " * 8
    search = search_folders(settings)
    lines = [
        "# Generated by `invoke deploy-config` from sitekit/hosting/headers.py: do not edit by hand.",
        "# Needs Debian's libnginx-mod-http-brotli-static for brotli_static.",
        "",
        "# Moved and gone addresses: every production build writes this map into the site's",
        "# folder from the Redirect-From fields and content/gone.txt. nginx reads it when it",
        "# (re)loads its configuration: after publishing, run `nginx -s reload`.",
        f"map $uri {NGINX_MOVED} {{",
        "    # Worked out again after the internal redirect to the 404 page, which a gone",
        "    # address is answered with: a cached value would answer that page 410 too.",
        "    volatile;",
        '    default "";',
        f"    include {root}/{NGINX_REDIRECTS};",
        "}",
        "",
        "# Plain HTTP: every request is sent to the same address over HTTPS, and gets nothing else.",
        "server {",
        "    listen 80;",
        "    listen [::]:80;",
        "    server_name _;",
        "    server_tokens off;",
        "    # certbot --webroot renews over HTTP: give it a location here, before this one:",
        "    #   location ^~ /.well-known/acme-challenge/ { root /var/www/letsencrypt; }",
        "    location / {",
        "        return 301 https://$host$request_uri;",
        "    }",
        "}",
        "",
        "server {",
        "    # `listen ... http2` is how nginx 1.22 (Debian 12) turns HTTP/2 on; from nginx",
        "    # 1.25.1 write `listen 443 ssl;` and `http2 on;` instead.",
        "    listen 443 ssl http2;",
        "    listen [::]:443 ssl http2;",
        "    server_name _;",
        "    # Placeholders: the site's certificate chain and its private key, for example",
        "    # certbot's /etc/letsencrypt/live/<domain>/fullchain.pem and privkey.pem.",
        "    ssl_certificate /etc/ssl/certs/back-massage-site.pem;",
        "    ssl_certificate_key /etc/ssl/private/back-massage-site.key;",
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        f"    ssl_ciphers {TLS_CIPHERS};",
        "    ssl_prefer_server_ciphers off;",
        "    ssl_session_timeout 1d;",
        "    ssl_session_cache shared:back_massage_site:10m;",
        "    ssl_session_tickets off;",
        "",
        f"    root {root};",
        "    index index.html;",
        "    charset utf-8;",
        "    # Redirects (/search to /search/) name the path only, never a scheme or host.",
        "    absolute_redirect off;",
        "    gzip_static on;",
        "    brotli_static on;",
        "    gzip_vary on;",
        "    server_tokens off;",
        "    # A gone address (content/gone.txt) gets the 404 page with its own status, 410.",
        "    error_page 404 410 /404.html;",
        "    # HSTS: this host and its subdomains, two years. `; preload` is left out on purpose:",
        "    # add it (and submit the domain to the preload list) only if no subdomain will ever",
        "    # serve plain HTTP again, as leaving the list takes months.",
        "",
        "    location / {",
        "        try_files $uri $uri/ =404;",
        *_nginx_add_headers(stylesheet, CACHE_REVALIDATE, indent),
        "        # Before try_files, whatever their place here (nginx's rewrite phase comes first).",
        f"        if ({NGINX_MOVED} = {GONE}) {{",
        "            return 410;",
        "        }",
        f"        if ({NGINX_MOVED}) {{",
        f"            return 301 {NGINX_MOVED};",
        "        }",
        "    }",
        "",
        f"    location {immutable_prefix(settings)} {{",
        *_nginx_add_headers(stylesheet, CACHE_IMMUTABLE, indent),
        "    }",
        "",
        "    # The search page (and its index.html after nginx's internal redirect), and",
        "    # Pagefind's files: its Web Worker runs under the policy of its own response.",
    ]
    if location := download_location(settings):
        lines += [
            "    # Files the downloads option publishes: saved, not shown, under the strict policy.",
            f"    location {location} {{",
            *_nginx_add_headers(stylesheet, CACHE_REVALIDATE, indent, extra=ATTACHMENT),
            "    }",
            "",
        ]
    for folder in search:
        lines += [
            f"    location ^~ /{folder}/ {{",
            "        try_files $uri $uri/ =404;",
            *_nginx_add_headers(stylesheet, CACHE_REVALIDATE, indent, search=True),
            "    }",
            "",
        ]
    for name in ("_headers", REDIRECTS_FILE, NGINX_REDIRECTS):
        lines += [
            f"    location = /{name} {{",
            "        return 404;",
            "    }",
        ]
    lines += ["}"]
    return "\n".join(lines) + "\n"
