"""The production build: metadata for search engines and feeds, fingerprints, twins, headers."""

import gzip
import json
import xml.etree.ElementTree as ET

import brotli
import feedparser
import pytest
from PIL import Image, ImageColor

from sitekit.hosting.headers import csp_hash
from sitekit.hosting.precompress import TEXT_SUFFIXES
from sitekit.images.imaging import theme_colours
from sitekit.links.publish import check_links
from sitekit.runner.steps import headers
from tests.support.build import run_build
from tests.support.pages import (
    ARTICLES,
    PREFIXED_URL,
    PRODUCTION_URL,
    ROOT,
    SEARCH_PAGE,
    parse_html,
    read_article_source,
    url_path,
)

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def pages_of(run):
    return sorted(run.output.rglob("*.html"))


def json_ld(page):
    return [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]


@pytest.mark.parametrize(
    "site_url", ["", "http://example.org", "example.org", "https://", "https://x.org/?a=1"]
)
def test_production_needs_an_absolute_https_siteurl(tmp_path, site_url):
    run = run_build("--production", output=tmp_path / "out", env={"SITEURL": site_url})
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: SITEURL is ")
    assert "https://" in lines[0] and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fixture", ["production", "prefixed"])
def test_every_url_is_absolute_or_root_relative_and_resolves(request, fixture):
    run = request.getfixturevalue(fixture)
    site_url = PRODUCTION_URL if fixture == "production" else PREFIXED_URL
    assert check_links(run.output, site_url) == []
    for path in pages_of(run):
        for element in parse_html(path).find_all(href=True):
            href = element["href"]
            assert href.startswith((site_url + "/", "#", "https://schema.org")) or (
                href.startswith("/")
                and href.startswith(site_url.removeprefix("https://example.org") + "/")
            ), f"{path}: {href}"


def test_each_page_has_unique_title_description_and_canonical(production):
    seen = {"title": set(), "description": set(), "canonical": set()}
    for path in pages_of(production):
        page = parse_html(path)
        values = {
            "title": page.title.string,
            "description": page.find("meta", attrs={"name": "description"})["content"],
            "canonical": (page.find("link", rel="canonical") or {}).get("href"),
        }
        for key, value in values.items():
            if key == "canonical" and path.name == "404.html":
                assert (
                    value is None
                    and page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
                )
                continue
            assert value and value not in seen[key], f"{path}: {key} {value!r}"
            seen[key].add(value)
        url = PRODUCTION_URL + "/" + url_path(production.output, path)
        if path.name != "404.html":
            assert values["canonical"] == url


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: p.stem)
def test_article_open_graph_twitter_and_json_ld(production, source, stylesheet):
    metadata, _ = read_article_source(source)
    url = f"{PRODUCTION_URL}/{metadata['Slug']}/"
    page = parse_html(production.output / metadata["Slug"] / "index.html")
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og["og:title"] == metadata["Title"]
    assert og["og:description"] == metadata["Summary"]
    assert og["og:url"] == url
    assert og["og:type"] == "article"
    assert og["og:site_name"] == "Back Massage Notes"
    assert og["article:published_time"].startswith(metadata["Date"])
    assert og["article:modified_time"].startswith(metadata["Date"])
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    card = og["og:image"]
    assert card.startswith(f"{PRODUCTION_URL}/images/cards/{metadata['Slug']}.") and card.endswith(
        ".png"
    )
    assert page.find("meta", attrs={"name": "twitter:image"})["content"] == card
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    with Image.open(production.output / card.removeprefix(PRODUCTION_URL + "/")) as image:
        assert image.size == (1200, 630) and image.format == "PNG"
        colours = theme_colours(stylesheet)
        rgb = image.convert("RGB")
        # The accent bar on the left, the page's background elsewhere, the title in the text colour.
        assert rgb.getpixel((4, 300)) == ImageColor.getrgb(colours["--color-link"])
        assert rgb.getpixel((1150, 40)) == ImageColor.getrgb(colours["--color-background"])
        assert ImageColor.getrgb(colours["--color-text"]) in {c for _, c in rgb.getcolors(4096)}

    article, breadcrumbs = json_ld(page)
    assert article["@type"] == "Article"
    assert article["headline"] == metadata["Title"]
    assert article["description"] == metadata["Summary"]
    assert article["datePublished"].startswith(metadata["Date"])
    assert article["dateModified"].startswith(metadata["Date"])
    assert article["author"]["name"] and article["publisher"]["name"]
    assert article["mainEntityOfPage"]["@id"] == url
    assert article["image"] == card
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [i["item"] for i in breadcrumbs["itemListElement"]][-1] == url


def test_home_page_is_a_website_in_json_ld(production):
    page = parse_html(production.output / "index.html")
    assert json_ld(page) == [
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": "Back Massage Notes",
            "description": page.find("meta", attrs={"name": "description"})["content"],
            "url": PRODUCTION_URL + "/",
            "inLanguage": "en",
        }
    ]
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og["og:type"] == "website"


def test_sitemap_lists_every_indexable_page_with_lastmod(production):
    tree = ET.parse(production.output / "sitemap.xml")
    urls = {
        u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS)
        for u in tree.findall("s:url", SITEMAP_NS)
    }
    expected = {
        PRODUCTION_URL + "/" + url_path(production.output, p)
        for p in pages_of(production)
        if p.name != "404.html"
    }
    assert set(urls) == expected
    # Articles and listings: the newest article's date; the About, disclaimer and privacy pages: their own.
    assert all(lastmod[:10] in {"2026-11-20", "2026-11-24"} for lastmod in urls.values())
    assert urls[PRODUCTION_URL + "/privacy/"].startswith("2026-11-24")


def test_robots_names_the_sitemap(production):
    robots = (production.output / "robots.txt").read_text()
    assert f"Sitemap: {PRODUCTION_URL}/sitemap.xml" in robots.splitlines()


@pytest.mark.parametrize("feed", ["feeds/all.atom.xml", "feeds/all.rss.xml"])
def test_feeds_parse_cleanly_with_full_content(production, feed):
    parsed = feedparser.parse((production.output / feed).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(ARTICLES)
    for entry in parsed.entries:
        source = next(p for p in ARTICLES if read_article_source(p)[0]["Title"] == entry.title)
        _, paragraphs = read_article_source(source)
        body = entry.content[0].value if "content" in entry else entry.description
        assert paragraphs[-1][:80] in " ".join(body.split())
        assert entry.link.startswith(PRODUCTION_URL + "/")


def test_favicon_is_fingerprinted_and_linked(production):
    icons = {parse_html(p).find("link", rel="icon")["href"] for p in pages_of(production)}
    assert len(icons) == 1
    (href,) = icons
    assert href.startswith(PRODUCTION_URL + "/theme/favicon.") and href.endswith(".svg")
    assert (production.output / href.removeprefix(PRODUCTION_URL + "/")).is_file()
    assert not (production.output / "theme" / "favicon.svg").exists()
    assert sorted(
        p.name for p in (production.output / "theme").iterdir() if p.suffix == ".svg"
    ) == [href.rsplit("/", 1)[1]]


def test_every_text_file_has_gzip_and_brotli_twins(production):
    originals = [p for p in production.output.rglob("*") if p.suffix in TEXT_SUFFIXES]
    assert len(originals) > 15
    for path in originals:
        data = path.read_bytes()
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == data, path
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == data, path


def test_headers_file_matches_the_one_definition(production, settings, stylesheet):
    text = (production.output / "_headers").read_text()
    paths = headers.published_paths(production.output, headers.search_folders(settings))
    assert text == headers.netlify_headers(settings, stylesheet, paths)
    for name, value in headers.security_headers(stylesheet).items():
        assert f"  {name}: {value}" in text
    assert "/theme/:file\n  Cache-Control: public, max-age=31536000, immutable" in text


def test_csp_is_strict_and_allows_the_inline_css_by_hash(production, stylesheet):
    policy = headers.content_security_policy(stylesheet)
    for directive in (
        "default-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    page = parse_html(production.output / "index.html")
    assert f"style-src {csp_hash(page.style.string)}" in policy


def test_meta_csp_allows_exactly_the_pages_own_json_ld(production, stylesheet):
    for path in pages_of(production):
        page = parse_html(path)
        blocks = [s.string for s in page.find_all("script", type="application/ld+json")]
        meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        search = path.relative_to(production.output).as_posix() == SEARCH_PAGE
        assert meta == headers.content_security_policy(
            stylesheet, for_meta=True, scripts=blocks, origin=PRODUCTION_URL, search=search
        ), path
        assert "frame-ancestors" not in meta and "unsafe-inline" not in meta
        assert ("script-src" in meta) == (bool(blocks) or search), path
        for block in blocks:
            assert csp_hash(block) in meta


def test_nginx_config_is_generated_from_the_same_definition(settings, stylesheet):
    committed = (ROOT / "deploy" / "nginx.conf").read_text()
    assert committed == headers.nginx_config(settings, stylesheet), (
        "deploy/nginx.conf is stale: run `invoke deploy-config`"
    )


def test_nginx_sends_plain_http_to_https_and_headers_only_there(settings, stylesheet):
    config = headers.nginx_config(settings, stylesheet)
    plain, tls = config.split("\nserver {\n")[1:]
    assert "listen 80;" in plain and "return 301 https://$host$request_uri;" in plain
    assert "add_header" not in plain
    assert "\n    root " not in plain  # it serves no file
    assert "listen 443 ssl http2;" in tls and "absolute_redirect off;" in tls
    for module in ("gzip_static on;", "brotli_static on;"):
        assert module in tls
    locations = [block for block in tls.split("    location ")[1:] if "return 404" not in block]
    assert len(locations) == 4  # the site, /theme/, the search page, Pagefind
    for block in locations:
        for name, value in headers.common_headers().items():
            assert block.count(f'add_header {name} "{value}" always;') == 1, (block[:20], name)
        assert block.count("add_header Content-Security-Policy") == 1


def test_local_build_has_no_production_extras(site):
    for extra in ("sitemap.xml", "robots.txt", "_headers", "feeds", "index.html.gz"):
        assert not (site.output / extra).exists(), extra
    assert (site.output / "theme" / "favicon.svg").is_file()
    # A relative canonical or og:url is invalid: without a SITEURL there are none.
    for page in sorted(site.output.rglob("*.html")):
        soup = parse_html(page)
        assert soup.find("link", rel="canonical") is None, page
        assert soup.find("meta", property="og:url") is None, page
