"""Search: a plain form on every page, one page that runs a script, an index of published articles only."""

import hashlib
import json
import re
import shutil
from urllib.parse import urlsplit

import pytest

from sitekit.devtools import browser
from sitekit.devtools.bench import generate_site
from sitekit.runner.steps import headers, search
from tests.support.browser import audit
from tests.support.build import ROOT as PROJECT
from tests.support.build import run_build
from tests.support.pages import (
    PRODUCTION_URL,
    SEARCH_PAGE,
    parse_html,
    running_scripts,
)


def test_every_page_has_one_plain_search_form(site, html_pages):
    for path in html_pages:
        page = parse_html(path)
        forms = page.find_all("form", role="search")
        assert len(forms) == 1, path
        (form,) = forms
        # In the header, but on the search page, which has its own in its text.
        on_search_page = path == site.output / SEARCH_PAGE
        assert form.find_parent("main" if on_search_page else "header"), path
        assert (form["action"], form["method"]) == ("/search/", "get"), path
        field = form.find("input", attrs={"name": "q"})
        assert page.find("label", attrs={"for": field["id"]}), path
        assert form.find("button", type="submit"), path


def test_the_search_page_runs_one_module_and_says_what_to_do_without_it(site):
    page = parse_html(site.output / SEARCH_PAGE)
    (script,) = running_scripts(page)
    assert script["type"] == "module" and re.fullmatch(r"/theme/search(\.\w+)?\.js", script["src"])
    assert (site.output / script["src"].lstrip("/")).is_file()
    fallback = page.find("noscript")
    assert "Search needs JavaScript" in fallback.get_text()
    assert {a["href"] for a in fallback.find_all("a")} == {"/archives/", "/tags/"}
    assert page.find(id="search-status")["aria-live"] == "polite"


# -- the policies, as the hosts apply them ------------------------------------------------


def netlify_pattern(rule: str) -> re.Pattern:
    """How Netlify matches a `_headers` path (netlify/build, headers-parser's for_regexp.ts):
    a lone `*` segment also matches without its slash, `*` inside a segment is not escaped,
    `:name` is one segment, a trailing slash is optional, and case does not count."""

    def segment(part: str) -> str:
        if part.startswith(":"):
            return "([^/]+)"
        if part == "*":
            return "?(.*)"
        if "*" in part:
            return part.replace("*", "(.*)")
        return re.escape(part)

    parts = [segment(part.rstrip()) for part in rule.split("/") if part.rstrip()]
    return re.compile(f"^/{'/'.join(parts)}/?$", re.IGNORECASE)


def cloudflare_pattern(rule: str) -> re.Pattern:
    """How Cloudflare Pages matches one (workers-sdk's rules engine): `*` is anything,
    `:name` one segment, the rest literal, the whole path."""
    pattern = "(.*)".join(re.escape(part) for part in rule.split("*"))
    return re.compile("^" + re.sub(r":(\w+)", "([^/]+)", pattern) + "$")


HOSTS = {"Netlify": netlify_pattern, "Cloudflare": cloudflare_pattern}


def host_headers(headers_file: str, path: str, pattern=netlify_pattern) -> dict[str, list[str]]:
    """Every value each header gets on `path`: both hosts apply every rule that matches
    and join a header set twice with ", " (two policies joined so are both enforced)."""
    applied: dict[str, list[str]] = {}
    matches = False
    for line in headers_file.splitlines():
        if line and not line.startswith(" "):
            matches = bool(pattern(line.strip()).match(path))
        elif line.strip() and matches:
            name, value = line.strip().split(": ", 1)
            applied.setdefault(name, []).append(value)
    return applied


def request_paths(output, names=None):
    """The address of every file a host serves, and each folder's own (/about/ for
    about/index.html); `names`, if given, stand in for the output's files."""
    files = names or [
        p.relative_to(output).as_posix()
        for p in sorted(output.rglob("*"))
        if p.is_file() and p.name != "_headers"
    ]
    for name in files:
        yield "/" + name
        if name == "index.html" or name.endswith("/index.html"):
            yield "/" + name.removesuffix("index.html")


def assert_one_rule_each(headers_file, paths, stylesheet):
    strict = headers.content_security_policy(stylesheet)
    search = headers.content_security_policy(stylesheet, search=True)
    checked = 0
    for host, pattern in HOSTS.items():
        for path in paths:
            got = host_headers(headers_file, path, pattern)
            wanted = search if path.startswith(("/search/", "/pagefind/")) else strict
            assert got.pop("Content-Security-Policy") == [wanted], (host, path)
            cache = got.pop("Cache-Control", None)
            assert cache == ([headers.CACHE_IMMUTABLE] if path.startswith("/theme/") else None)
            assert got == {name: [value] for name, value in headers.common_headers().items()}, (
                host,
                path,
            )
            checked += 1
    return checked


def test_hosts_give_every_published_path_exactly_one_policy_the_right_one(production, stylesheet):
    headers_file = (production.output / "_headers").read_text()
    paths = list(request_paths(production.output))
    assert {"/", "/search/", "/pagefind/pagefind.js", "/.well-known/security.txt"} <= set(paths)
    assert assert_one_rule_each(headers_file, paths, stylesheet) == 2 * len(paths)


def test_no_rule_of_one_policy_reaches_into_the_others_folders(settings, stylesheet):
    """Names that start like the search folders: Netlify's `/search/*` would match
    /search-tips/, its `/page/*` /pagefind/, and its `/.*` every path. The rules come
    from the published addresses, the search folders' left out as the build leaves them."""
    names = [
        "index.html",
        "search/index.html",
        "search-tips/index.html",
        "searchlight.xml",
        "page/2/index.html",
        "page/12/index.html",
        "page/index.html",
        "pagefinder/index.html",
        "pa.txt",
        ".well-known/security.txt",
        "pagefind/pagefind.js",
        "pagefind/shard-2/fragment/en_1.pf_fragment",
        "pagefind/fragment/en_1.pf_fragment",
        "theme/search.0123456789.js",
        "themes/index.html",
    ]
    paths = list(request_paths(None, names))
    headers_file = headers.netlify_headers(settings, stylesheet, [p[1:] for p in paths])
    assert assert_one_rule_each(headers_file, paths, stylesheet) == 2 * len(paths)


@pytest.mark.browser
def test_search_works_under_the_hosts_headers_with_trusted_types_enforced(production, chromium):
    """The search page served as Netlify would serve it: its policy requires Trusted Types,
    the search script's one policy lets Pagefind start its Web Worker, and no part of
    either policy is violated."""
    headers_file = (production.output / "_headers").read_text()
    context = chromium.new_context()
    context.add_init_script(browser.RECORD_CSP_VIOLATIONS)

    def answer(route):
        path = urlsplit(route.request.url).path
        file = production.output / path.lstrip("/")
        file = file / "index.html" if file.is_dir() else file
        if not file.is_file():
            route.fulfill(status=404)
            return
        applied = host_headers(headers_file, path)
        route.fulfill(path=file, headers={k: ", ".join(v) for k, v in applied.items()})

    context.route(PRODUCTION_URL + "/**", answer)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(PRODUCTION_URL + "/search/?q=petrissage")
    assert "require-trusted-types-for 'script'" in response.headers["content-security-policy"]
    page.wait_for_function(RESULTS_DRAWN, timeout=5000)
    links = [a.get_attribute("href") for a in page.locator("#search-results a").all()]
    assert links == ["/back-massage-therapy/"]
    assert [w.url for w in page.workers] == [PRODUCTION_URL + "/pagefind/pagefind-worker.js"]
    problems += page.evaluate("window.__csp")
    context.close()
    assert problems == []


def test_nginx_config_gives_the_search_page_its_own_policy(settings, stylesheet):
    config = headers.nginx_config(settings, stylesheet)
    search_block = config.split("location ^~ /search/ {", 1)[1].split("}", 1)[0]
    policy = headers.content_security_policy(stylesheet, search=True)
    assert f'add_header Content-Security-Policy "{policy}" always;' in search_block
    tls_server = config.split("listen 443", 1)[1]
    site_block = tls_server.split("location / {", 1)[1].split("}", 1)[0]
    assert headers.content_security_policy(stylesheet) in site_block


def test_downloads_are_sent_as_attachments_under_the_strict_policy_on_both_hosts(
    settings, stylesheet
):
    """The downloads option's files, and only they, get Content-Disposition once; a page
    whose address merely looks like the suffix (/guide-pdf/) does not."""
    settings = {**settings, "SITEKIT": {**settings.get("SITEKIT", {}), "downloads": [".pdf"]}}
    names = ["index.html", "images/guide.pdf", "images/Old.PDF", "guide-pdf/index.html"]
    names += ["images/photo.png", "search/index.html"]
    paths = list(request_paths(None, names))
    headers_file = headers.netlify_headers(settings, stylesheet, [p[1:] for p in paths])
    strict = headers.content_security_policy(stylesheet)
    for host, pattern in HOSTS.items():
        for path in paths:
            got = host_headers(headers_file, path, pattern)
            wanted = ["attachment"] if path.lower().endswith(".pdf") else None
            assert got.get("Content-Disposition") == wanted, (host, path)
            if wanted:
                assert got["Content-Security-Policy"] == [strict], (host, path)
    config = headers.nginx_config(settings, stylesheet)
    block = config.split(r"location ~* ^/(images)/.+\.(pdf)$ {", 1)[1].split("}", 1)[0]
    assert 'add_header Content-Disposition "attachment" always;' in block
    assert f'add_header Content-Security-Policy "{strict}" always;' in block
    assert "Content-Disposition" not in headers.nginx_config(
        {**settings, "SITEKIT": {}}, stylesheet
    )


def test_a_download_suffix_makes_no_attachment_of_the_sites_own_files(settings, stylesheet):
    """Only the static folders publish downloads, as nginx's location says: listing .txt
    and .xml leaves robots.txt, security.txt, the sitemap and the feeds shown, not saved."""
    downloads = {"downloads": [".txt", ".xml"]}
    settings = {**settings, "SITEKIT": {**settings.get("SITEKIT", {}), **downloads}}
    names = ["robots.txt", ".well-known/security.txt", "sitemap.xml", "feeds/all.atom.xml"]
    names += ["images/notes.txt"]
    paths = list(request_paths(None, names))
    headers_file = headers.netlify_headers(settings, stylesheet, [p[1:] for p in paths])
    for host, pattern in HOSTS.items():
        saved = [
            p for p in paths if host_headers(headers_file, p, pattern).get("Content-Disposition")
        ]
        assert saved == ["/images/notes.txt"], host


# -- in Chromium ------------------------------------------------------------------------

ARTICLE = "Title: {title}\nDate: 2026-11-20\nCategory: Care\nTags: t\nSummary: {summary}\n{extra}\n{body}\n"


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "kneading.md").write_text(
        ARTICLE.format(
            title="Kneading",
            summary="About sandalwood oil.",
            extra="",
            body="Kneading the shoulders with slow strokes.",
        ),
        "utf-8",
    )
    (articles / "secret.md").write_text(
        ARTICLE.format(
            title="Secret", summary="A draft.", extra="Status: draft", body="Zebrawood is a secret."
        ),
        "utf-8",
    )
    (articles / "signs.md").write_text(
        ARTICLE.format(
            title="Signs",
            summary="Written signs.",
            extra="",
            body="Zephyrword: press 2 &lt; 3 &amp; write `<b>bold</b>` as code.",
        ),
        "utf-8",
    )
    run = run_build("--content", root / "content", output=root / "output")
    assert run.code == 0, run.stderr
    return run.output


def search_for(page, url, query):
    page.goto(f"{url}/search/?q={query}")
    page.wait_for_function(
        "() => /match/.test(document.getElementById('search-status').textContent)", timeout=5000
    )
    return page.inner_text("#search-status"), [
        a.get_attribute("href") for a in page.locator("#search-results a").all()
    ]


@pytest.mark.browser
def test_the_index_holds_published_text_and_summaries_not_drafts_or_notices(small_site, chromium):
    page = chromium.new_page()
    with browser.serving(small_site) as url:
        assert search_for(page, url, "strokes") == ("1 article matches “strokes”.", ["/kneading/"])
        assert search_for(page, url, "sandalwood")[1] == ["/kneading/"]  # the summary
        assert search_for(page, url, "zebrawood")[1] == []  # a draft
        assert search_for(page, url, "qualified")[1] == []  # the health notice
    page.close()


@pytest.mark.browser
def test_an_excerpt_shows_the_text_as_written_with_the_words_found_marked(small_site, chromium):
    page = chromium.new_page()
    with browser.serving(small_site) as url:
        assert search_for(page, url, "zephyrword")[1] == ["/signs/"]
        shown = page.locator("#search-results li p")
        assert "2 < 3 & write <b>bold</b> as code." in shown.inner_text()
        assert shown.locator("mark").all_inner_texts() == ["Zephyrword:"]
        assert shown.locator("b").count() == 0
    page.close()


# The search page once it has drawn its results: at least one, as many as the status says
# match (at most the 20 it shows).
RESULTS_DRAWN = """() => {
  const shown = document.querySelectorAll("#search-results li").length;
  const said = /^(\\d+) articles? match/.exec(document.getElementById("search-status").textContent);
  return shown > 0 && said !== null && shown === Math.min(Number(said[1]), 20);
}"""


@pytest.mark.browser
def test_the_search_page_is_accessible_with_results(site, served, chromium):
    problems = []
    for width in (375, 1280):
        context = chromium.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        url = f"{served}/search/?q=massage"
        # axe runs on the results: audit waits until they are drawn.
        audited = audit(page, url, served, ("light", "dark"), ready=RESULTS_DRAWN)
        assert page.locator("#search-results li").count() > 0
        for scheme, found in audited.items():
            problems += [f"{width} {scheme}: {p}" for p in found]
        context.close()
    assert problems == []


@pytest.mark.browser
def test_without_javascript_the_search_page_points_elsewhere(served, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "/search/?q=massage")
    shown = page.inner_text("main")  # what the reader sees, <noscript> content included
    assert "Search needs JavaScript, which is off in this browser." in shown
    assert "every article in the archives" in shown and "the tags" in shown
    # Where it points, the reader gets there.
    for link, heading in (("every article in the archives", "Archives"), ("the tags", "Tags")):
        with page.expect_navigation() as navigation:
            page.get_by_role("link", name=link).click()
        assert navigation.value.status == 200, link
        assert page.locator("main h1").inner_text() == heading
        page.go_back()
    context.close()


def add_words(article, *words):
    article.write_text(article.read_text("utf-8") + "\n" + " ".join(words) + ".\n", "utf-8")


@pytest.fixture
def edited_site(tmp_path):
    """50 articles; then article 4 loses a word and gains one, and article 8 goes.

    A delta holds at most a tenth of the articles: these edits change four pages
    (article 8's neighbours link to new ones).
    """
    articles = generate_site(tmp_path / "content", 50)
    add_words(articles[3], "Wombatword")
    add_words(articles[7], "Quokkaword")
    for n, times in ((1, 1), (3, 2), (5, 3)):  # a word a few articles share, unequally
        add_words(articles[n], *["Koalaword"] * times)
    return tmp_path, articles


def sharded(root, size=20):
    """Settings that split the index into shards of at most `size` articles (50 make 3)."""
    settings = root / "sharded.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(PROJECT)!r})\nfrom pelicanconf import *\n"
        f"SITEKIT = {{**SITEKIT, 'search_shard': {size}}}\n",
        "utf-8",
    )
    return ("--settings", settings)


@pytest.mark.parametrize(
    "page",
    [
        b'<p>data-pagefind-body</p><div data-pagefind-body id="x">x</div><p>after</p>',
        b"<a <b data-pagefind-body>y</b></a>",
        b"x < y <i\tdata-pagefind-body>z</i>",
        b"<div data-pagefind-bodyx>no</div><p data-pagefind-body>yes</p>",
        b"<p>&lt;div data-pagefind-body&gt;</p>",
        b"<main data-pagefind-body>never closed",
        b"no marker at all",
    ],
)
def test_the_indexed_text_is_what_a_search_of_the_whole_page_finds(page):
    found = search._BODY.search(page)
    if found is None:
        expected = ""
    else:
        end = page.find(b"</" + found.group(1) + b">", found.start())
        expected = hashlib.sha256(page[found.start() : end if end >= 0 else None]).hexdigest()
    assert search.indexed_text(page) == expected


def test_articles_are_dealt_in_turn_to_as_few_shards_as_hold_them():
    pages = [f"a{n:02d}" for n in range(50)]
    assert search.shards(pages, 800) == [pages]
    dealt = search.shards(pages, 20)
    assert [len(shard) for shard in dealt] == [17, 17, 16]
    assert dealt[1][:3] == ["a01", "a04", "a07"]
    assert sorted(page for shard in dealt for page in shard) == pages
    assert search.shards([], 20) == [[]]


def test_a_large_index_is_made_in_shards_that_load_no_code_of_their_own(edited_site):
    root, _ = edited_site
    bundle = root / "output" / "pagefind"
    assert run_build("--content", root / "content", *sharded(root), output=bundle.parent).code == 0
    assert json.loads((bundle / "shards.json").read_text()) == ["shard-2/", "shard-3/"]
    assert len(search.entries(bundle)) == 50  # every article, in one shard or another
    for shard in ("", "shard-2/", "shard-3/"):
        assert len(search.entries(bundle / shard)) >= 16
    assert {p.name for p in (bundle / "shard-2").iterdir() if p.is_file()} == {
        "pagefind-entry.json",
        next(p.name for p in (bundle / "shard-2").glob("*.pf_meta")),
    }


def base_meta(bundle):
    """The inode of each shard's meta file in the whole index (not the delta's)."""
    metas = [*bundle.glob("*.pf_meta"), *bundle.glob("shard-*/*.pf_meta")]
    return {p.name: p.stat().st_ino for p in metas}


def edit_and_remove(articles):
    articles[3].write_text(articles[3].read_text("utf-8").replace("Wombatword", "Zanzibarish"))
    articles[7].unlink()


@pytest.mark.parametrize("shards", [1, 3])
def test_a_local_rebuild_indexes_the_changed_articles_beside_the_last_index(edited_site, shards):
    root, articles = edited_site
    output, bundle = root / "output", root / "output" / "pagefind"
    settings = sharded(root) if shards > 1 else ()
    assert run_build("--content", root / "content", *settings, output=output).code == 0
    base = search.entries(bundle)
    assert len(base) == 50
    assert json.loads((bundle / "delta.json").read_text()) == {
        "delta": False,
        "replaced": [],
        "moved": {},
        "read": {},
    }
    meta = base_meta(bundle)
    assert len(meta) == shards
    # What the index read of each article, as rendering saw it, is what the page holds.
    (record,) = (root / ".output.cache").glob(f"*/{search.BASE_RECORD}")
    read = json.loads(record.read_text())
    assert base.keys() <= read.keys()
    assert read == {
        name: [hashlib.sha256(data).hexdigest(), search.indexed_text(data)]
        for name in read
        for data in [(output / name).read_bytes()]
    }

    edit_and_remove(articles)
    assert run_build("--content", root / "content", *settings, output=output).code == 0
    # The last index is linked as it was, and the edited article alone is indexed anew.
    assert base_meta(bundle) == meta
    delta = search.entries(bundle / "delta")
    assert list(delta) == ["article-00004/index.html"]
    info = json.loads((bundle / "delta.json").read_text())
    assert info == {
        "delta": True,
        "replaced": sorted([base["article-00004/index.html"], base["article-00008/index.html"]]),
        "moved": {delta["article-00004/index.html"]: base["article-00004/index.html"]},
        "read": {"article-00004/index.html": info["read"]["article-00004/index.html"]},
    }
    edited = (output / "article-00004/index.html").read_bytes()
    assert info["read"]["article-00004/index.html"] == search.indexed_text(edited)
    # Built again with no change: the delta is kept as it is, not made again.
    delta_meta = {p.name: p.stat().st_ino for p in (bundle / "delta").glob("*.pf_meta")}
    assert run_build("--content", root / "content", *settings, output=output).code == 0
    assert {p.name: p.stat().st_ino for p in (bundle / "delta").glob("*.pf_meta")} == delta_meta
    assert json.loads((bundle / "delta.json").read_text()) == info


def test_a_production_rebuild_makes_one_whole_index(edited_site):
    root, articles = edited_site
    output, bundle = root / "output", root / "output" / "pagefind"
    assert run_build("--content", root / "content", output=output, production=True).code == 0
    edit_and_remove(articles)
    assert run_build("--content", root / "content", output=output, production=True).code == 0
    assert not (bundle / "delta").exists()
    assert not (bundle / "delta.json").exists()
    held = search.entries(bundle)
    assert len(held) == 49 and "article-00008/index.html" not in held


@pytest.mark.browser
@pytest.mark.parametrize("shards", [1, 3])
def test_search_after_a_local_rebuild_finds_the_new_text_and_not_the_old(
    edited_site, chromium, shards
):
    root, articles = edited_site
    output = root / "output"
    settings = sharded(root) if shards > 1 else ()
    assert run_build("--content", root / "content", *settings, output=output).code == 0
    assert len(json.loads((output / "pagefind" / "shards.json").read_text())) == shards - 1
    edit_and_remove(articles)
    assert run_build("--content", root / "content", *settings, output=output).code == 0
    assert (output / "pagefind" / "delta" / "pagefind.js").is_file()  # the path under test
    # The same sources built cold, in one index: the order to compare with.
    whole = run_build("--content", root / "content", output=root / "whole")
    assert whole.code == 0, whole.stderr
    page = chromium.new_page()
    with browser.serving(output) as url:
        assert search_for(page, url, "Zanzibarish")[1] == ["/article-00004/"]
        assert search_for(page, url, "Wombatword")[1] == []  # the edited article's old text
        assert search_for(page, url, "Quokkaword")[1] == []  # the removed article
        status, found = search_for(page, url, "Koalaword")
    with browser.serving(whole.output) as url:
        assert search_for(page, url, "Koalaword") == (status, found)
    assert status.startswith("3 articles match") and "/article-00004/" in found
    page.close()


def test_a_failing_pagefind_is_one_line_and_leaves_the_output_as_it_was(small_site, tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(small_site.parent / "content", content)
    assert run_build("--content", content, output=output).code == 0
    add_words(content / "articles" / "kneading.md", "Zanzibarish")
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 3\n", "utf-8")
    fake.chmod(0o755)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    run = run_build("--content", content, output=output, env={"PAGEFIND_BINARY_PATH": str(fake)})
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "error: the search index: Pagefind could not index the site: Error: out of memory"
    )
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_a_failing_shard_is_one_line_and_leaves_no_index_behind(edited_site):
    root, articles = edited_site
    output = root / "output"
    assert run_build("--content", root / "content", *sharded(root), output=output).code == 0
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    # The second shard's run fails (it reads article 2); the first and third succeed.
    fake = root / "pagefind"
    fake.write_text(
        '#!/bin/sh\ncase "$*" in *article-00002/*) echo "Error: out of memory" >&2; exit 3;; esac\n'
        f'exec {search.pagefind_binary()} "$@"\n',
        "utf-8",
    )
    fake.chmod(0o755)
    for article in articles[40:46]:
        article.unlink()
    run = run_build(
        "--content",
        root / "content",
        *sharded(root),
        output=output,
        env={"PAGEFIND_BINARY_PATH": str(fake)},
    )
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "error: the search index: Pagefind could not index the site: Error: out of memory"
    )
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    assert not list(root.glob(".output.cache/*/search-index-*"))
