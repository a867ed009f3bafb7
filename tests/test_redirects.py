"""Addresses that never break: an article renamed as a new editor would, with and without
a Redirect-From line; the redirect on nginx, on Netlify and Cloudflare (`_redirects`) and
on any plain host (a page that refreshes); the record of published addresses."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request

import pytest

from sitekit.devtools import browser
from sitekit.hosting import headers
from sitekit.redirects.check import saved_as
from sitekit.search.publish import entries
from tests.support.build import run_build, snapshot
from tests.support.nginx import running_nginx
from tests.support.pages import PRODUCTION_URL, ROOT, parse_html

ARTICLE = "articles/back-massage-therapy.md"
OLD, NEW = "/back-massage-therapy/", "/back-massage-basics/"
# A tag only this article has: taken off it, its page is gone for good.
GONE_TAG = "/tag/circulation/"


def errors(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("error: ")]


def notes(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("note: ")]


def copy_content(root):
    """The site's content, its record of published addresses included."""
    shutil.copytree(ROOT / "content", root / "content")
    return root / "content"


def rename(content, redirect: bool) -> None:
    """What a new editor does: a new Slug (and, with `redirect`, the line that keeps the old
    address working)."""
    article = content / ARTICLE
    text = article.read_text("utf-8")
    field = f"Slug: {NEW.strip('/')}" + (f"\nRedirect-From: {OLD}" if redirect else "")
    article.write_text(text.replace(f"Slug: {OLD.strip('/')}", field, 1), "utf-8")


def build(content, output, production=True):
    return run_build("--content", content, output=output, production=production)


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """The site published, then its article renamed with Redirect-From, and a tag taken off
    it listed in content/gone.txt; built for production."""
    root = tmp_path_factory.mktemp("moved")
    content = copy_content(root)
    assert build(content, root / "output").code == 0
    rename(content, redirect=True)
    article = content / ARTICLE
    article.write_text(
        article.read_text("utf-8").replace("chronic pain, circulation,", "chronic pain,", 1)
    )
    (content / "gone.txt").write_text(f"# Taken off its only article.\n{GONE_TAG}\n")
    run = build(content, root / "output")
    assert run.code == 0, run.stderr
    return run, content


def test_a_slug_change_without_a_redirect_fails_in_one_line_and_leaves_the_output(tmp_path):
    content = copy_content(tmp_path)
    output = tmp_path / "output"
    assert build(content, output).code == 0
    record = (content / "addresses.txt").read_bytes()
    before = snapshot(output)
    rename(content, redirect=False)

    run = build(content, output)

    assert run.code == 1
    assert errors(run) == [
        f"error: {content}/{ARTICLE}: the address {OLD} was published before and would now be "
        f'a 404. Add "Redirect-From: {OLD}" to the article that replaces it, or list it in '
        f"{content}/gone.txt if it is gone for good."
    ], run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(output) == before
    assert (content / "addresses.txt").read_bytes() == record


def test_a_local_build_only_notes_a_dropped_address_in_one_line(tmp_path):
    content = copy_content(tmp_path)
    rename(content, redirect=False)
    run = build(content, tmp_path / "output", production=False)
    assert run.code == 0, run.stderr
    assert notes(run) == [
        f"note: {content}/addresses.txt: 1 address(es) published before would now be a 404: "
        f'{OLD}. A production build refuses this: add "Redirect-From: <address>" to the page '
        f"that replaces each, or list it in {content}/gone.txt."
    ]


def test_the_record_is_byte_identical_across_two_builds_and_matches_the_committed_one(tmp_path):
    content = copy_content(tmp_path)
    committed = (ROOT / "content" / "addresses.txt").read_bytes()
    for name in ("one", "two"):
        assert build(content, tmp_path / name).code == 0
        assert (content / "addresses.txt").read_bytes() == committed, name
    lines = [line for line in committed.decode().splitlines() if not line.startswith("#")]
    assert lines == sorted(lines)
    assert f"{OLD} {ARTICLE}" in lines and "/feeds/all.atom.xml" in lines
    assert not any(line.startswith(("/theme/", "/pagefind/", "/404.html")) for line in lines)


def test_the_record_gains_the_new_address_and_keeps_the_old(moved):
    _run, content = moved
    lines = (content / "addresses.txt").read_text().splitlines()
    assert f"{NEW} {ARTICLE}" in lines and f"{OLD} {ARTICLE}" in lines and GONE_TAG in lines


def test_the_redirect_page_is_in_no_sitemap_feed_search_index_or_listing(moved):
    run, _ = moved
    output = run.output
    page = parse_html(output / OLD.strip("/") / "index.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == (
        f"0; url={PRODUCTION_URL}{NEW}"
    )
    assert page.find("link", rel="canonical")["href"] == PRODUCTION_URL + NEW
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("a")["href"] == PRODUCTION_URL + NEW
    assert page.find("script") is None
    old = f"{PRODUCTION_URL}{OLD}".encode()
    for name in ("sitemap.xml", "feeds/all.atom.xml", "feeds/all.rss.xml", "index.html"):
        assert old not in (output / name).read_bytes(), name
        assert f"{PRODUCTION_URL}{NEW}".encode() in (output / name).read_bytes(), name
    assert f"{OLD.strip('/')}/index.html" not in entries(output / "pagefind")
    assert f"{NEW.strip('/')}/index.html" in entries(output / "pagefind")


def hosts_rules(text: str) -> list[tuple[str, str, str]]:
    """The rules of a `_redirects` file as Netlify and Cloudflare read them: one a line,
    `from to [status]`, whitespace between, `#` lines comments, the first match wins."""
    rules = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            source, target, *status = line.split()
            rules.append((source, target, status[0] if status else "302"))
    return rules


def answer(rules, path: str, host: str) -> tuple[int, str] | None:
    """What `host` answers for `path` from the rules alone (None: it serves its files).
    Netlify matches a path with or without its trailing slash, and answers a path that
    has a file from the file unless the status is forced (`!`); Cloudflare allows only
    redirect codes (it skips a line with another) and always redirects first."""
    for source, target, status in rules:
        if source.rstrip("/") != path.rstrip("/"):
            continue
        code = int(status.rstrip("!"))
        if host == "cloudflare" and code not in (301, 302, 303, 307, 308):
            continue
        if host == "netlify" and not status.endswith("!") and code in (301, 302):
            return None  # a file is there: the redirect page, served as it is
        return code, target
    return None


@pytest.mark.parametrize("host", ["netlify", "cloudflare"])
def test_redirects_file_sends_the_old_address_on_as_each_host_reads_it(moved, host):
    run, _ = moved
    rules = hosts_rules((run.output / "_redirects").read_text())
    assert len(rules) <= 2000 and all(len(" ".join(rule)) < 1000 for rule in rules)
    for path in (OLD, OLD.rstrip("/")):
        assert answer(rules, path, host) == (301, NEW), path
    assert (run.output / NEW.strip("/") / "index.html").is_file()
    gone = answer(rules, GONE_TAG, host)
    assert gone == ((410, "/404.html") if host == "netlify" else None)
    assert (run.output / "404.html").is_file()


def fetch(server, path):
    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        NoRedirects, urllib.request.HTTPSHandler(context=server.ssl_context)
    )
    try:
        with opener.open(server.https + path, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.browser
def test_nginx_answers_301_to_the_new_address_and_410_for_a_gone_one(moved, tmp_path, stylesheet):
    run, _ = moved
    with running_nginx(run.output, tmp_path) as server:
        for path in (OLD, OLD.rstrip("/"), OLD + "index.html"):
            status, response_headers, _ = fetch(server, path)
            assert (status, response_headers["Location"]) == (301, NEW), path
            assert response_headers["Strict-Transport-Security"] == headers.HSTS
        status, _, body = fetch(server, NEW)
        assert status == 200 and b"<h1" in body
        status, response_headers, body = fetch(server, GONE_TAG)
        assert status == 410
        assert body == (run.output / "404.html").read_bytes()
        assert response_headers["Content-Security-Policy"] == (
            headers.content_security_policy(stylesheet)
        )
        for name in ("_redirects", "_redirects.nginx"):
            assert fetch(server, "/" + name)[0] == 404


@pytest.mark.browser
def test_the_redirect_page_lands_on_the_new_article_in_chromium(chromium, tmp_path):
    """A plain host (GitHub Pages) serves the page at the old address as a file."""
    content = copy_content(tmp_path)
    rename(content, redirect=True)
    run = build(content, tmp_path / "output", production=False)
    assert run.code == 0, run.stderr
    with browser.serving(run.output) as url:
        page = chromium.new_page()
        try:
            page.goto(url + OLD)
            page.wait_for_url(url + NEW, timeout=10_000)
            assert page.locator("h1").inner_text() == "Back Massage Therapy"
        finally:
            page.close()


def test_a_link_to_an_old_address_works_and_is_noted_in_one_line(tmp_path):
    content = copy_content(tmp_path)
    rename(content, redirect=True)
    other = content / "articles" / "massage-therapy-for-the-upper-back.md"
    other.write_text(other.read_text("utf-8") + f"\nSee [the basics]({OLD}).\n", "utf-8")
    run = build(content, tmp_path / "output", production=False)
    assert run.code == 0, run.stderr
    assert notes(run) == [
        f"note: {other}: the link '{OLD}' leads to an old address, which redirects to {NEW}: "
        "it works, but could link to the new address directly"
    ]


CLAIMS = [
    (
        "two pages claim one old address",
        {ARTICLE: "/old-guide/"},
        {"articles/massage-therapy-for-the-upper-back.md": "/old-guide/"},
        "'Redirect-From: /old-guide/' is also claimed by",
    ),
    (
        "an address still published: a chain",
        {ARTICLE: "/massage-therapy-for-the-upper-back/"},
        {},
        "names an address that is published by this build, so a redirect there would hide "
        "a page or make a loop or a chain of redirects",
    ),
    (
        "its own address: a loop",
        {ARTICLE: OLD},
        {},
        "names an address that is this page's own address by this build",
    ),
    (
        "not a site path",
        {ARTICLE: "https://example.com/old/"},
        {},
        "'Redirect-From: https://example.com/old/' is not an address of this site",
    ),
]


@pytest.mark.parametrize("case, fields, more, words", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_a_redirect_that_cannot_work_is_one_line_naming_the_file(
    tmp_path, case, fields, more, words
):
    content = copy_content(tmp_path)
    for name, address in {**fields, **more}.items():
        source = content / name
        title, rest = source.read_text("utf-8").split("\n", 1)
        source.write_text(f"{title}\nRedirect-From: {address}\n{rest}", "utf-8")
    output = tmp_path / "output"
    run = build(content, output, production=False)
    assert run.code == 1
    assert len(errors(run)) == 1, run.stderr
    assert errors(run)[0].startswith(f"error: {content}/{next(iter(fields))}"), errors(run)
    assert words in errors(run)[0]
    assert "Traceback" not in run.stderr and not output.exists()


def test_a_draft_that_claims_an_old_address_fails_production(tmp_path):
    content = copy_content(tmp_path)
    (content / "articles" / "renamed.md").write_text(
        "Title: Renamed\nDate: 2026-11-21\nCategory: Back Massage\nSummary: A draft.\n"
        "Status: draft\nRedirect-From: /older-name/\n\nText.\n",
        "utf-8",
    )
    assert build(content, tmp_path / "local", production=False).code == 0
    run = build(content, tmp_path / "output")
    assert run.code == 1
    assert errors(run) == [
        f"error: {content}/articles/renamed.md: 'Redirect-From: /older-name/' would send "
        "readers to this page, which this build does not publish (a draft, or an article "
        "dated later). Publish it first, or take the line out until then."
    ]


def test_a_gone_address_still_published_and_a_bad_line_are_refused(tmp_path):
    content = copy_content(tmp_path)
    (content / "gone.txt").write_text(f"{OLD}\nnot an address\n")
    run = build(content, tmp_path / "output", production=False)
    assert run.code == 1
    assert errors(run) == [
        f"error: {content}/gone.txt:2: 'not an address' is not an address of this site. Write "
        "one address a line, starting with a slash, such as /old-slug/ (a line starting with "
        "# is a comment)."
    ]
    (content / "gone.txt").write_text(f"{OLD}\n")
    run = build(content, tmp_path / "output", production=False)
    assert errors(run) == [
        f"error: {content}/gone.txt:1: {OLD} is listed as gone, but this build publishes it "
        "(or a Redirect-From leads from it). Take the line out."
    ]


def test_nginx_redirects_map_and_published_addresses():
    assert headers.nginx_redirects({OLD: NEW}, [GONE_TAG]).splitlines()[1:] == [
        f'"{OLD.rstrip("/")}" "{NEW}";',
        f'"{OLD}" "{NEW}";',
        f'"{OLD}index.html" "{NEW}";',
        f'"{GONE_TAG.rstrip("/")}" "gone";',
        f'"{GONE_TAG}" "gone";',
        f'"{GONE_TAG}index.html" "gone";',
    ]
    assert saved_as("/a/") == "a/index.html"
    assert saved_as("/a.html") == "a.html"


def test_a_page_claims_an_old_address_written_without_its_slash(tmp_path):
    content = copy_content(tmp_path)
    about = content / "pages" / "about.md"
    title, rest = about.read_text("utf-8").split("\n", 1)
    about.write_text(f"{title}\nRedirect-From: /about-us, /team.html\n{rest}", "utf-8")
    run = build(content, tmp_path / "output", production=False)
    assert run.code == 0, run.stderr
    for name in ("about-us/index.html", "team.html"):
        refresh = parse_html(run.output / name).find("meta", attrs={"http-equiv": "refresh"})
        assert refresh["content"] == "0; url=/about/", name
