"""Real content (issue 27): a fixture of articles written the way blogs are written builds
cleanly in local and production builds, passes the link check and, served by nginx over TLS
with the production policy, shows no policy violation and every image in Chromium; and each
everyday mistake, added to a copy of it, fails with exactly its one line.

The fixture, tests/fixtures/real-content/, holds tutorials with images in every form, aligned
tables, code with other generators' syntax inside it, footnotes, `# ` headings, German and
Chinese articles, a custom field, odd tags, long words and addresses, definition lists,
abbreviations, an `Image:` card, a draft, pages and an author. Its settings_overrides.py gives
it a dated address pattern and declares its custom field.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitekit.devtools.browser import RECORD_CSP_VIOLATIONS
from sitekit.markdown.reading_time import count_words, reading_minutes
from sitekit.search.publish import entries
from tests.support.build import differences, run_build, snapshot
from tests.support.nginx import HOST, free_port, running_nginx
from tests.support.pages import ROOT, page_paths, parse_html

FIXTURE = ROOT / "tests" / "fixtures" / "real-content"
ARTICLES = "content/articles"
HANDBOOK = "the-complete-back-care-handbook.md"
NOTE = (
    "its '# ' headings are shown one level lower ('#' as <h2>, '##' as <h3>...), since the "
    "title is the page's one <h1>. Write '## ' for a section and '### ' below it, and this "
    "note goes away."
)
# Addresses the dated pattern and the languages give, and the draft production leaves out.
ADDRESSES = [
    "blog/2026/03/setting-up-a-portable-massage-table-step-by-step/index.html",
    "blog/2026/06/rueckenmassage-zu-hause/index.html",
    "blog/2026/06/jian-jing-fang-song-mei-tian-shi-fen-zhong-de-zi-wo-an-mo/index.html",
    "tag/5050-breathing/index.html",
    "tag/uber-dehnung/index.html",
    "tag/jian-jing/index.html",
]
DRAFT = "drafts/cupping-explained/index.html"
# A screenshot folder (outside git), to look at the pages: REAL_CONTENT_SCREENSHOTS=/tmp/shots
SCREENSHOTS = os.environ.get("REAL_CONTENT_SCREENSHOTS")


@dataclass
class FixtureSite:
    root: Path
    origin: str  # what production builds are built for, and nginx serves at
    ports: tuple[int, int]

    @property
    def content(self) -> Path:
        return self.root / "content"

    def build(self, output: Path, production: bool):
        settings = self.root / ("production_settings.py" if production else "local_settings.py")
        env = {"SITEURL": self.origin} if production else None
        return run_build(
            "--settings", settings, "--content", self.content,
            output=output, production=production, env=env,
        )  # fmt: skip


def copy_fixture(root: Path, origin: str, ports: tuple[int, int]) -> FixtureSite:
    """The fixture's content, and a settings file for each kind of build: the project's own,
    then the fixture's overrides."""
    shutil.copytree(FIXTURE / "content", root / "content")
    overrides = (FIXTURE / "settings_overrides.py").read_text("utf-8")
    # Named apart from the modules they import: Pelican loads a settings file as a module
    # named after it, and `from pelicanconf import *` in pelicanconf.py would import itself.
    for module, name in (("pelicanconf", "local"), ("publishconf", "production")):
        (root / f"{name}_settings.py").write_text(
            f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom {module} import *\n"
            f"THEME = {str(ROOT / 'theme')!r}\n\n{overrides}",
            "utf-8",
        )
    return FixtureSite(root, origin, ports)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture built once locally and once for production, for the origin nginx serves."""
    tmp = tmp_path_factory.mktemp("real-content")
    ports = free_port(), free_port()
    site = copy_fixture(tmp / "site", f"https://{HOST}:{ports[1]}", ports)
    runs = {
        "local": site.build(tmp / "local" / "output", production=False),
        "production": site.build(tmp / "production" / "output", production=True),
    }
    return site, runs


MODES = ["local", "production"]


def shown(site: FixtureSite, name: str) -> str:
    """A file of the fixture's content as the build names it."""
    return str((site.content / "articles" / name).resolve())


@pytest.mark.parametrize("mode", MODES)
def test_the_fixture_builds_with_only_the_expected_note(built, mode):
    site, runs = built
    run = runs[mode]
    assert run.code == 0, run.stderr
    # The link check ran on every page and found nothing; the one line on stderr is the
    # note for the article with '# ' headings.
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines == [f"note: {shown(site, HANDBOOK)}: {NOTE}"]
    for address in ADDRESSES:
        assert (run.output / address).is_file(), address
    assert (run.output / DRAFT).is_file() == (mode == "local")


@pytest.mark.parametrize("mode", MODES)
def test_every_page_has_one_h1_no_style_and_images_from_the_pipeline(built, mode):
    _, runs = built
    output = runs[mode].output
    problems = []
    for path in sorted(output.rglob("*.html")):
        page = parse_html(path)
        name = path.relative_to(output).as_posix()
        if len(page.find_all("h1")) > 1:
            problems.append(f"{name}: {len(page.find_all('h1'))} <h1>s")
        if page.find(style=True) or (page.body and page.body.find("style")):
            problems.append(f"{name}: a style in the body")
        for img in page.select("main img"):
            # Every way of writing an image gave a sized, responsive picture.
            if not (img.get("width") and img.get("height") and img.get("srcset")):
                problems.append(f"{name}: {img}")
            if img.get("alt") is None:
                problems.append(f"{name}: no alt on {img.get('src')}")
    assert problems == []


def test_what_the_fixture_covers_is_published_right(built):
    _, runs = built
    output = runs["production"].output

    def page(address: str):
        return parse_html(output / address)

    zh = page(ADDRESSES[2])
    assert zh.html["lang"] == "zh"
    assert page(ADDRESSES[1]).html["lang"] == "de"
    table = page("blog/2026/03/setting-up-a-portable-massage-table-step-by-step/index.html")
    # {static}, a site path, a relative path, a raw <img> and a reference: five pictures.
    assert len(table.select("main picture")) == 5
    assert (
        table.find("meta", property="og:image")["content"].split("/")[-1].startswith("card-hands-")
    )
    oils = page("blog/2026/03/comparing-massage-oils-glide-scent-and-price/index.html")
    assert [th["class"] for th in oils.select("main thead th")] == [
        ["align-left"], ["align-center"], ["align-left"],
        ["align-right"], ["align-right"], ["align-center"],
    ]  # fmt: skip
    jekyll = page("blog/2026/04/what-we-changed-when-moving-the-blog-from-jekyll/index.html")
    code = " ".join(c.get_text() for c in jekyll.select("main code"))
    for example in ("{% img ", "{{< youtube ", "{{% notice ", "{{ site.title }}", "+++", "---"):
        assert example in code, example
    handbook = page("blog/2026/05/the-complete-back-care-handbook/index.html")
    assert [h.name for h in handbook.select("main h2[id], main h3[id]")][:3] == ["h2", "h3", "h3"]
    glossary = page("blog/2026/07/a-glossary-of-massage-strokes/index.html")
    assert len(glossary.select("main dl dt")) == 5
    assert {a["title"] for a in glossary.select("main abbr")} == {
        "Registered Massage Therapist",
        "Comma-Separated Values",
    }
    research = page("blog/2026/05/what-the-research-says-and-what-it-doesnt/index.html")
    assert len(research.select("main .footnotes li")) == 4
    # One search index for every language, the one the search page (in English) reads.
    bundle = json.loads((output / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert set(bundle["languages"]) == {"en"}
    assert {ADDRESSES[1], ADDRESSES[2]} <= set(entries(output / "pagefind"))


def test_chinese_text_is_counted_by_its_characters_for_the_reading_time():
    # Written without spaces, 800 characters were one "word", read in a minute.
    sentence = "长时间坐在电脑前，肩膀和脖子最容易僵硬。"  # noqa: RUF001 (Chinese punctuation)
    text = "<p>" + sentence * 40 + "</p>"
    assert count_words(text) == 720  # 18 characters a sentence, the punctuation apart
    assert reading_minutes(count_words(text), 250) == 3
    assert count_words("<p>Warm the oil, <b>then</b> your hands.</p>") == 6


# Everyday mistakes, each added to a copy of the fixture: (case, what the editor did, the
# file named, its line, the message).
AUTUMN = "seasonal-notes-autumn.md"


def append(text: str):
    def edit(site: FixtureSite) -> None:
        path = site.content / "articles" / AUTUMN
        path.write_text(path.read_text("utf-8") + "\n" + text + "\n", "utf-8")

    return edit


def add_field(line: str):
    def edit(site: FixtureSite) -> None:
        path = site.content / "articles" / AUTUMN
        title, rest = path.read_text("utf-8").split("\n", 1)
        path.write_text(f"{title}\n{line}\n{rest}", "utf-8")

    return edit


def new_article(name: str, text: str):
    def edit(site: FixtureSite) -> None:
        (site.content / "articles" / name).write_text(text, "utf-8")

    return edit


def undeclare_custom_field(site: FixtureSite) -> None:
    for settings in ("local_settings.py", "production_settings.py"):
        path = site.root / settings
        path.write_text(path.read_text("utf-8").replace('["update"]', "[]"), "utf-8")


def same_dated_address(site: FixtureSite) -> None:
    """The same title a week later: the same month, so the same address."""
    text = (site.content / "articles" / AUTUMN).read_text("utf-8")
    (site.content / "articles" / "autumn-notes-again.md").write_text(
        text.replace("Date: 2026-10-21", "Date: 2026-10-28"), "utf-8"
    )


def odd_tag(site: FixtureSite) -> None:
    path = site.content / "articles" / AUTUMN
    text = path.read_text("utf-8")
    path.write_text(text.replace("Tags: seasonal, comfort", "Tags: seasonal, ["), "utf-8")


def odd_category(site: FixtureSite) -> None:
    path = site.content / "articles" / AUTUMN
    text = path.read_text("utf-8")
    path.write_text(text.replace("Category: Notes", "Category: ???"), "utf-8")


FOLLOWS = 18  # the line of text appended after the article's last line
SAME_PLACE = "blog/2026/10/autumn-notes-cold-hands-and-colder-rooms/index.html"
MISTAKES = [
    (
        "yaml front matter",
        new_article(
            "imported.md",
            '---\ntitle: "Imported From Jekyll"\ndate: 2019-05-01\ntags: [oils, care]\n---\n\nText.\n',
        ),
        "imported.md",
        1,
        "this file starts with YAML front matter (from Hugo or Jekyll), which this site does "
        "not read: write the fields as 'Key: value' lines instead, with no '---' lines, e.g. "
        "'Title: My title', 'Date: 2024-05-01', 'Category: Care', 'Tags: one, two', "
        "'Summary: …' (for description), 'Status: draft' (for draft: true).",
    ),
    (
        "toml front matter",
        new_article(
            "imported.md", '+++\ntitle = "Imported From Hugo"\ndate = 2019-05-01\n+++\n\nText.\n'
        ),
        "imported.md",
        1,
        "this file starts with TOML front matter (from Hugo), which this site does not read: "
        "write the fields as 'Key: value' lines instead, with no '+++' lines, e.g. "
        "'Title: My title', 'Date: 2024-05-01', 'Category: Care', 'Tags: one, two', "
        "'Summary: …' (for description), 'Status: draft' (for draft: true).",
    ),
    (
        "hugo shortcode",
        append("{{< youtube dQw4w9WgXcQ >}}"),
        AUTUMN,
        FOLLOWS,
        "`{{< youtube … >}}` is a Hugo shortcode, which this site does not run: write a link "
        "instead, e.g. [title](https://…).",
    ),
    (
        "liquid tag",
        append("{% img /images/oil-bottles.jpg 300 200 A bowl of oil %}"),
        AUTUMN,
        FOLLOWS,
        "`{% img … %}` is a Liquid tag (from Jekyll or Octopress), which this site does not "
        "run: write an image instead, e.g. ![A description]({static}/images/name.jpg).",
    ),
    (
        "aliases",
        add_field("Aliases: /2019/10/autumn-notes/"),
        AUTUMN,
        2,
        "'Aliases:' (old addresses that lead to this article) is Hugo's name for them: write "
        "'Redirect-From:' instead, with the same addresses separated by commas, such as "
        "'Redirect-From: /old-slug/, /2019/older-title/'.",
    ),
    (
        "external image",
        append("![A bowl of warm water](https://example.com/bowl.jpg)"),
        AUTUMN,
        FOLLOWS,
        "the image https://example.com/bowl.jpg is on another site, and the site's security "
        "policy lets pages show only their own images: download it into content/images/ and "
        "link it as {static}/images/NAME.",
    ),
    (
        "style attribute",
        append('<p style="color: red">Warm the room first.</p>'),
        AUTUMN,
        FOLLOWS,
        'style="…" on <p> is not allowed in an article: the site\'s security policy blocks '
        "styles written in a text, so readers would not see them. Remove it: use Markdown, or "
        "ask for a class in the theme.",
    ),
    (
        "style element",
        append("<style>p { color: red }</style>"),
        AUTUMN,
        FOLLOWS,
        "<style> is not allowed in an article: the site's security policy blocks styles "
        "written in a text, so readers would not see them. Remove it: use Markdown, or ask "
        "for a class in the theme.",
    ),
    (
        "raw img without alt",
        append('<img src="/images/oil-bottles.jpg">'),
        AUTUMN,
        FOLLOWS,
        'the image /images/oil-bottles.jpg has no alt text. Add alt="what it shows" to the '
        '<img>; if it is only decoration, say so with an empty alt: alt="".',
    ),
    (
        "misspelt image",
        append("![A bowl of warm water]({static}/images/oil-botles.jpg)"),
        AUTUMN,
        FOLLOWS,
        "the image {static}/images/oil-botles.jpg points to a file that does not exist. "
        "Did you mean {static}/images/oil-bottles.jpg?",
    ),
    (
        "undeclared custom field",
        undeclare_custom_field,
        "weekly-stretch-routine.md",
        5,
        "unknown field 'Update:'. Did you mean 'Date:'? If 'Update:' is a field of your own, "
        'declare it once in pelicanconf.py: CUSTOM_FIELDS = ["update"].',
    ),
    (
        "same dated address",
        same_dated_address,
        "autumn-notes-again.md",
        1,
        "this file and {AUTUMN} would be written to the same place, " + SAME_PLACE + ". "
        "Give each a different Slug.",
    ),
    (
        "tag [",
        odd_tag,
        AUTUMN,
        4,
        "the tag '[' has no letter or digit to make its address (tag/NAME/) from: write it "
        "with letters or digits, or remove it.",
    ),
    (
        "category ???",
        odd_category,
        AUTUMN,
        3,
        "the category '???' has no letter or digit to make its address (category/NAME/) "
        "from: write it with letters or digits, or remove it.",
    ),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "edit, name, line, message", [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES]
)
def test_an_everyday_mistake_fails_with_its_one_line(
    built, tmp_path, mode, edit, name, line, message
):
    fixture, runs = built
    site = copy_fixture(tmp_path / "site", fixture.origin, fixture.ports)
    output = tmp_path / "output"
    shutil.copytree(runs[mode].output, output)
    before = snapshot(output)
    edit(site)
    run = site.build(output, production=mode == "production")
    assert run.code == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    message = message.replace("{AUTUMN}", shown(site, AUTUMN))
    assert errors == [f"error: {shown(site, name)}:{line}: {message}"], run.stderr
    assert "Traceback" not in run.stderr and "&lt;" not in run.stderr
    assert differences(before, snapshot(output)) == []


# In the browser: lazy images are brought into view (and made eager) one by one, and each
# must decode; what does not, within 5 s, is named.
MISSING_IMAGES = """async () => {
    const missing = [];
    for (const img of Array.from(document.images)) {
        img.loading = "eager";
        img.scrollIntoView();
        const loaded = img.decode().then(() => true, () => false);
        const late = new Promise((resolve) => setTimeout(() => resolve(false), 5000));
        await Promise.race([loaded, late]);
        if (!(img.complete && img.naturalWidth > 0)) missing.push(img.currentSrc || img.src);
    }
    return missing;
}"""

SEARCHES = {
    "Handtuch": ["/" + ADDRESSES[1].removesuffix("index.html")],
    "肩颈": ["/" + ADDRESSES[2].removesuffix("index.html")],
}
SCREENSHOT_PAGES = {
    "oils": "/blog/2026/03/comparing-massage-oils-glide-scent-and-price/",
    "zh": "/blog/2026/06/jian-jing-fang-song-mei-tian-shi-fen-zhong-de-zi-wo-an-mo/",
    "python": "/blog/2026/04/tracking-sessions-with-a-tiny-python-script/",
    "links": "/blog/2026/07/links-worth-keeping-and-why-their-addresses-are-so-long/",
}


@pytest.mark.browser
def test_served_by_nginx_every_page_shows_no_violation_and_every_image(built, chromium, tmp_path):
    site, runs = built
    output = runs["production"].output
    paths = page_paths(output)
    problems: list[str] = []
    started = time.monotonic()
    with running_nginx(output, tmp_path, site.ports):
        context = chromium.new_context(ignore_https_errors=True)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        current = [""]
        page.on(
            "console",
            lambda m: m.type == "error" and problems.append(f"{current[0]}: console: {m.text}"),
        )
        page.on("pageerror", lambda e: problems.append(f"{current[0]}: {e}"))
        for path in paths:
            current[0] = path
            response = page.goto(site.origin + path, wait_until="load")
            assert response.headers["content-security-policy"].startswith("default-src 'none'")
            problems += [f"{path}: missing image {src}" for src in page.evaluate(MISSING_IMAGES)]
            problems += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
        # The search page finds the German and the Chinese article by their own words.
        found = {}
        for words in SEARCHES:
            page.goto(f"{site.origin}/search/?q={words}", wait_until="load")
            page.wait_for_function(
                "() => /match/.test(document.getElementById('search-status')?.textContent)",
                timeout=5000,
            )
            found[words] = [
                a.get_attribute("href") for a in page.locator("#search-results a").all()
            ]
            problems += [f"search {words}: {v}" for v in page.evaluate("window.__csp")]
        if SCREENSHOTS:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            for width in (375, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                for name, path in SCREENSHOT_PAGES.items():
                    page.goto(site.origin + path, wait_until="load")
                    page.evaluate(MISSING_IMAGES)
                    page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
        context.close()
    assert len(paths) > 60
    assert found == SEARCHES
    assert problems == []
    print(f"{len(paths)} pages in {time.monotonic() - started:.1f} s")


def test_the_fixture_is_text_written_for_it_and_small_images():
    """Committed as written here: text files, and images under 20 KB each."""
    images = list((FIXTURE / "content" / "images").iterdir())
    assert images and all(p.stat().st_size < 20_000 for p in images)
    articles = list((FIXTURE / ARTICLES).glob("*.md"))
    assert len(articles) >= 15
    assert not any(re.search(r"^---$|^\+\+\+$", p.read_text("utf-8")[:4], re.M) for p in articles)
