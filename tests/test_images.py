"""Images: responsive, private, cached, checked; social cards; rich content that fits a phone."""

import gzip
import io
import re

import pytest
from PIL import Image

from sitekit.images import imaging
from tests.support.browser import SCROLLS_SIDEWAYS, audit
from tests.support.build import run_build, run_build_process, snapshot, write_images
from tests.support.pages import PRODUCTION_URL, parse_html

PHOTO_WIDTH = 2400


def pictures(output, slug="rich"):
    return parse_html(output / slug / "index.html").article.find_all("picture")


def test_each_image_is_a_responsive_picture(rich_site):
    local, _ = rich_site
    photo, portrait, diagram = pictures(local.output)
    for picture, original_width in ((photo, 2400), (portrait, 1200), (diagram, 900)):
        types = [source["type"] for source in picture.find_all("source")]
        assert types == ["image/avif", "image/webp"]
        img = picture.img
        widths = [int(c.split()[-1].rstrip("w")) for c in img["srcset"].split(", ")]
        assert len(widths) >= 2 and max(widths) <= original_width
        assert img["sizes"] == imaging.SIZES
        for source in picture.find_all("source"):
            assert source["sizes"] == imaging.SIZES and len(source["srcset"].split(", ")) == len(
                widths
            )
        # Every candidate exists and has the width it claims.
        for candidate in [img["srcset"], *(s["srcset"] for s in picture.find_all("source"))]:
            for entry in candidate.split(", "):
                url, width = entry.split()
                with Image.open(local.output / url.lstrip("/")) as image:
                    assert image.width == int(width.rstrip("w")), url
    # Width and height as displayed: the sideways portrait is taller than wide.
    assert (int(photo.img["width"]), int(photo.img["height"])) == (1280, 853)
    assert (int(portrait.img["width"]), int(portrait.img["height"])) == (1200, 1600)
    assert photo.img["src"].endswith(".jpg") and diagram.img["src"].endswith(".png")
    # The first image loads at once; the others wait until they are near.
    assert "loading" not in photo.img.attrs and photo.img["fetchpriority"] == "high"
    for later in (portrait, diagram):
        assert later.img["loading"] == "lazy" and later.img["decoding"] == "async"
    assert photo.img["alt"] == "A therapist's hands on a back"
    assert diagram.img["alt"] == ""


def test_the_portrait_is_turned_upright(rich_site):
    local, _ = rich_site
    (portrait,) = [p for p in pictures(local.output) if p.img.get("title") == "Portrait"]
    with Image.open(local.output / portrait.img["src"].lstrip("/")) as image:
        assert image.size == (1200, 1600)
        assert image.getpixel((10, 10))[0] < 60  # the dark band, now on top
        assert image.getpixel((10, 1500))[2] > 150


def raster_files(output):
    return [p for p in output.rglob("*") if p.suffix.lower() in imaging.RASTER_SUFFIXES]


@pytest.mark.parametrize("build", ["local", "production"])
def test_no_published_image_keeps_exif_or_gps_but_the_colour_profile_stays(rich_site, build):
    output = rich_site[0 if build == "local" else 1].output
    files = raster_files(output)
    assert len(files) > 30
    assert (output / "images" / "photo.jpg").is_file()  # the copied original, cleaned
    for path in files:
        with Image.open(path) as image:
            assert dict(image.getexif()) == {}, path
            assert not {"exif", "xmp", "XML:com.adobe.xmp"} & set(image.info), path
            assert b"TestCam" not in path.read_bytes(), path
            if path.name.startswith("photo") and path.suffix in (".jpg", ".avif", ".webp"):
                assert image.info.get("icc_profile"), path


def test_images_are_cached_and_the_output_stays_byte_reproducible(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "a.md").write_text(
        "Title: A\nDate: 2026-11-20\nCategory: C\nSummary: S.\n\n![A photo]({static}/images/photo.jpg)\n",
        "utf-8",
    )
    write_images(content / "images", photo_size=(700, 500))
    first = run_build("--content", content, output=tmp_path / "one")
    assert first.code == 0, first.stderr
    assert re.search(r"Images: [1-9]\d* made, 0 from the cache", first.stdout)
    again = run_build_process(
        "--content", content, output=tmp_path / "one", env={"PYTHONHASHSEED": "7"}
    )
    assert re.search(r"Images: 0 made, [1-9]\d* from the cache", again.stdout), again.stdout
    # Every page is reused too, in a process whose set order differs.
    pages = int(again.stdout.split()[1])
    assert f"({pages} unchanged files reused)" in again.stdout
    # The production build reuses what the local one made: only its social card is new.
    production = run_build("--content", content, output=tmp_path / "one", production=True)
    assert re.search(r"Images: 0 made", production.stdout), production.stdout
    # Two cold builds, each with its own empty cache, write the same bytes.
    two = run_build("--content", content, output=tmp_path / "two")
    three = run_build("--content", content, output=tmp_path / "three")
    assert two.code == three.code == 0
    assert snapshot(two.output) == snapshot(three.output)


def test_social_images_are_absolute_in_production(rich_site):
    _, production = rich_site
    page = parse_html(production.output / "rich" / "index.html")
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert re.fullmatch(rf"{PRODUCTION_URL}/images/_/photo-1280\.\w+\.jpg", og["og:image"])
    assert (og["og:image:width"], og["og:image:height"]) == ("1280", "853")
    chosen = parse_html(production.output / "chosen" / "index.html")
    image = chosen.find("meta", property="og:image")["content"]
    assert re.fullmatch(rf"{PRODUCTION_URL}/images/_/portrait-1200\.\w+\.jpg", image)
    assert (production.output / image.removeprefix(PRODUCTION_URL + "/")).is_file()


def test_an_article_with_a_photo_stays_within_one_round_trip(rich_site):
    local, _ = rich_site
    page = (local.output / "rich" / "index.html").read_bytes()
    assert len(gzip.compress(page, compresslevel=6)) <= 14_600


GOOD = "Title: Good\nDate: 2026-11-20\nCategory: C\nSummary: S.\n\n{body}\n"


@pytest.fixture
def image_site(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "good.md").write_text(GOOD.format(body="Text."), "utf-8")
    write_images(content / "images")
    run = run_build("--content", content, output=tmp_path / "output")
    assert run.code == 0, run.stderr
    return tmp_path


BAD_IMAGES = [
    ("![]({static}/images/photo.jpg)", "the image {static}/images/photo.jpg has no alt text"),
    (
        "![A photo]({static}/images/gone.jpg)",
        "the image {static}/images/gone.jpg points to a file that does not exist",
    ),
    (
        "![A photo]({static}/images/broken.jpg)",
        "the image {static}/images/broken.jpg cannot be read as an image",
    ),
    (
        "![A photo]({static}/images/truncated.jpg)",
        "the image {static}/images/truncated.jpg cannot be read as an image",
    ),
]


def write_bad_images(images):
    (images / "broken.jpg").write_bytes(b"not an image at all")
    data = (images / "photo.jpg").read_bytes()
    (images / "truncated.jpg").write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(
    "body, message", BAD_IMAGES, ids=["no alt", "missing", "corrupt", "truncated"]
)
def test_a_bad_image_fails_with_one_line_naming_article_and_image(image_site, body, message):
    write_bad_images(image_site / "content" / "images")
    for name in ("broken.jpg", "truncated.jpg"):  # a bad image no article shows is told too
        if name not in body:
            (image_site / "content" / "images" / name).unlink()
    article = image_site / "content" / "articles" / "bad.md"
    article.write_text(GOOD.replace("Title: Good", "Title: Bad").format(body=body), "utf-8")
    before = snapshot(image_site / "output")
    run = run_build("--content", image_site / "content", output=image_site / "output")
    assert run.code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in run.stderr, run.stderr
    assert "articles/bad.md:6: " in errors[0] and message in errors[0]
    assert snapshot(image_site / "output") == before


def test_an_unreadable_image_that_no_article_uses_is_refused_too(image_site):
    write_bad_images(image_site / "content" / "images")
    run = run_build("--content", image_site / "content", output=image_site / "output")
    assert run.code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert [e.split(": the image cannot be read as an image")[0] for e in errors] == [
        f"error: {image_site}/content/images/broken.jpg",
        f"error: {image_site}/content/images/truncated.jpg",
    ]
    assert "staging" not in run.stderr


def test_a_decorative_image_says_so_and_builds(image_site):
    article = image_site / "content" / "articles" / "plain.md"
    decorative = GOOD.replace("Title: Good", "Title: Plain")
    article.write_text(
        decorative.format(body='![]({static}/images/diagram.png){: alt=""}'), "utf-8"
    )
    run = run_build("--content", image_site / "content", output=image_site / "output")
    assert run.code == 0, run.stderr


def test_an_image_over_the_size_limit_is_refused(image_site):
    settings = image_site / "settings.py"
    from tests.support.pages import ROOT

    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        "SITEKIT = {'image_max_megapixels': 3}\n"
    )
    (image_site / "content" / "articles" / "big.md").write_text(
        GOOD.replace("Title: Good", "Title: Big").format(
            body="![A photo]({static}/images/photo.jpg)"
        ),
        "utf-8",
    )
    run = run_build(
        "--settings", settings, "--content", image_site / "content", output=image_site / "out2"
    )
    assert run.code == 1
    assert (
        "big.md:6: the image {static}/images/photo.jpg is 2400x1600 pixels (4 megapixels), more than the limit of 3."
        in run.stderr
    )


@pytest.mark.browser
def test_a_phone_picks_a_modern_candidate_narrower_than_the_original(rich_site, chromium):
    from sitekit.devtools import browser

    local, _ = rich_site
    context = chromium.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    with browser.serving(local.output) as url:
        page.goto(url + "/rich/")
        page.wait_for_function("() => document.images[0].complete && document.images[0].currentSrc")
        chosen = page.evaluate("document.images[0].currentSrc")
    context.close()
    assert chosen.endswith((".avif", ".webp")), chosen
    # The candidate's width is in its name: photo-960.<key>.avif
    width = int(re.search(r"/photo-(\d+)\.", chosen).group(1))
    assert 686 <= width < PHOTO_WIDTH  # 2 x (375 - 32) CSS pixels, and smaller than the original


@pytest.mark.browser
def test_rich_content_is_accessible_and_never_scrolls_sideways(rich_site, chromium):
    from sitekit.devtools import browser

    local, _ = rich_site
    problems = []
    with browser.serving(local.output) as url:
        for width in (320, 375, 1280):
            context = chromium.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            # The seed article shows the long title as its newer neighbour and as related.
            # And the article with credits and sources, and its author's page (issue 16).
            paths = ("/rich/", "/chosen/", "/", "/back-massage-therapy/", "/reviewed/")
            for path in (*paths, "/author/author-one/"):
                for scheme, found in audit(page, url + path, url, ("light", "dark")).items():
                    problems += [f"{width} {scheme} {path}: {p}" for p in found]
            page.goto(url + "/rich/")
            boxes = page.locator(".scroll")
            assert boxes.count() == 2
            for n in range(2):
                box = boxes.nth(n)
                assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
            if (
                width < 400
            ):  # the table and the code line are wider than a phone: they scroll inside
                assert page.evaluate(
                    "[...document.querySelectorAll('.scroll')].every(b => b.scrollWidth > b.clientWidth)"
                )
            assert not page.evaluate(SCROLLS_SIDEWAYS)
            context.close()
    assert problems == []


def test_the_seed_articles_are_untouched(rich_site):
    from tests.support.pages import ARTICLES

    for source in ARTICLES:
        assert "![" not in source.read_text()  # the seed texts have no images...
    local, _ = rich_site  # ...and their pages gain none
    for slug in ("back-massage-therapy", "massage-therapy-for-the-upper-back"):
        assert pictures(local.output, slug) == []


def test_a_social_card_has_the_title_in_its_shades_above_the_site_name_in_its_own():
    colours = ("#fdfcfa", "#1f1d1a", "#9b3d12", "#5c574f")

    def card(title, site_name):
        return Image.open(io.BytesIO(imaging.draw_card(title, site_name, *colours)))

    first, second = card("First title", "Site A"), card("A second, longer title", "Site A")
    other_site = card("First title", "Site B")
    assert first.size == imaging.CARD_SIZE and first.mode == "P"
    width, height = imaging.CARD_SIZE
    top = imaging.CARD_FOOTER
    title, strip = (25, 0, width, top), (25, top, width, height)  # right of the accent bar
    assert first.crop(title).tobytes() != second.crop(title).tobytes()
    assert first.crop(strip).tobytes() == second.crop(strip).tobytes()
    assert first.crop(strip).tobytes() != other_site.crop(strip).tobytes()
    shades = imaging.SHADES
    assert 0 < max(first.crop(title).tobytes()) < shades
    assert {v for v in first.crop(strip).tobytes() if v} and all(
        shades <= v < 2 * shades for v in first.crop(strip).tobytes() if v
    )
    assert set(first.crop((0, 0, 25, height)).tobytes()) == {imaging.ACCENT_INDEX}
