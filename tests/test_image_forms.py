"""One image pipeline for every way an editor writes an image; another site's image refused;
a phone photo scaled down, a decompression bomb refused from its header."""

import io

import pytest
from PIL import Image, ImageOps

from sitekit.images import check, imaging
from tests.support.build import run_build, snapshot
from tests.support.images import png_header
from tests.support.pages import parse_html

ARTICLE = "Title: {title}\nDate: 2026-11-20\nCategory: C\nSummary: S.\n{fields}\n{body}\n"

EVERY_FORM = """\
![Static]({static}/images/photo.jpg)

![Site path](/images/photo.jpg)

![Relative](../images/diagram.png)

<img src="/images/photo.jpg" alt="Raw HTML">

<p><img alt='Single quotes' src=../images/photo.jpg></p>

![Reference][photo]

[photo]: ../images/photo.jpg

```html
<img src="https://example.com/a-code-example.jpg">
```

An example in a code span: `<img src="x.jpg">`.
"""


def article(title="Forms", body=EVERY_FORM, fields=""):
    return ARTICLE.format(title=title, fields=fields, body=body)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("forms")
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "images").mkdir()
    Image.new("RGB", (1000, 600), (180, 120, 90)).save(content / "images" / "photo.jpg")
    Image.new("RGBA", (700, 400), (250, 250, 250, 255)).save(content / "images" / "diagram.png")
    (content / "articles" / "forms.md").write_text(article(), "utf-8")
    run = run_build("--content", content, output=tmp_path / "output")
    assert run.code == 0, run.stderr
    return tmp_path


def test_every_way_of_writing_an_image_gets_the_same_picture(site):
    page = parse_html(site / "output" / "forms" / "index.html").article
    pictures = page.find_all("picture")
    assert [p.img["alt"] for p in pictures] == [
        "Static",
        "Site path",
        "Relative",
        "Raw HTML",
        "Single quotes",
        "Reference",
    ]
    for n, picture in enumerate(pictures):
        img = picture.img
        assert [s["type"] for s in picture.find_all("source")] == ["image/avif", "image/webp"]
        assert img["width"] and img["height"] and img["srcset"]
        assert img["src"].startswith("/images/_/")
        if n:  # the first image loads at once, the others lazily
            assert (img["loading"], img["decoding"]) == ("lazy", "async")
    # Every form of the same file names the same candidates.
    static, site_path, _, raw, quoted, reference = (p.img for p in pictures)
    assert {i["srcset"] for i in (static, site_path, raw, quoted, reference)} == {static["srcset"]}
    assert (site_path["width"], site_path["height"]) == ("1000", "600")
    assert pictures[2].img["src"].endswith(".png")
    # Code is text: its <img> is shown, not loaded, and no other <img> is left.
    assert "a-code-example.jpg" in page.find("pre").text
    assert len(page.find_all("img")) == len(pictures)


def refusals(site, body, fields=""):
    (site / "content" / "articles" / "bad.md").write_text(article("Bad", body, fields), "utf-8")
    before = snapshot(site / "output")
    try:
        run = run_build("--content", site / "content", output=site / "output")
    finally:
        (site / "content" / "articles" / "bad.md").unlink()
    assert run.code == 1 and "Traceback" not in run.stderr
    assert snapshot(site / "output") == before
    return [line for line in run.stderr.splitlines() if line.startswith("error: ")]


ELSEWHERE = (
    "is on another site, and the site's security policy lets pages show only their own "
    "images: download it into content/images/ and "
)


@pytest.mark.parametrize(
    "body, fields, line, message",
    [
        (
            '<img src="/images/photo.jpg">',
            "",
            6,
            'the image /images/photo.jpg has no alt text. Add alt="what it shows" to the <img>',
        ),
        (
            "![A photo](https://example.org/photo.jpg)",
            "",
            6,
            "the image https://example.org/photo.jpg "
            + ELSEWHERE
            + "link it as {static}/images/NAME.",
        ),
        (
            'Text.\n\n<p><img alt="A photo" src="https://example.org/raw.jpg"></p>',
            "",
            8,
            "the image https://example.org/raw.jpg "
            + ELSEWHERE
            + "link it as {static}/images/NAME.",
        ),
        (
            "<img src='//cdn.example.org/raw.png' alt=''>",
            "",
            6,
            "the image //cdn.example.org/raw.png " + ELSEWHERE,
        ),
        (
            "![A photo][far]\n\n[far]: https://example.org/ref.jpg",
            "",
            6,
            "the image https://example.org/ref.jpg " + ELSEWHERE,
        ),
        (
            "Text.",
            "Image: https://example.org/card.jpg\n",
            5,
            "the image https://example.org/card.jpg "
            + ELSEWHERE
            + "name it as 'Image: images/NAME'.",
        ),
        (
            "![A photo](/images/photos.jpg)",
            "",
            6,
            "the image /images/photos.jpg points to a file that does not exist. "
            "Did you mean /images/photo.jpg?",
        ),
        (
            '<img alt="A photo" src="../images/Photo.JPG">',
            "",
            6,
            "the image ../images/Photo.JPG points to a file that does not exist. "
            "Did you mean ../images/photo.jpg?",
        ),
        (
            "![A photo](images/photo.jpg)",
            "",
            6,
            "the image images/photo.jpg points to a file that does not exist. "
            "Did you mean /images/photo.jpg?",
        ),
    ],
    ids=[
        "raw img without alt",
        "markdown",
        "raw html",
        "scheme-relative",
        "reference",
        "field",
        "misspelt site path",
        "wrong case, relative",
        "read from the wrong folder",
    ],
)
def test_an_image_without_alt_or_on_another_site_is_refused_in_one_line(
    site, body, fields, line, message
):
    (error,) = refusals(site, body, fields)
    assert f"content/articles/bad.md:{line}: " in error and message in error, error


def test_a_decorative_raw_image_says_so_and_builds(site):
    (site / "content" / "articles" / "plain.md").write_text(
        article("Plain", '<img src="../images/diagram.png" alt="">'), "utf-8"
    )
    try:
        run = run_build("--content", site / "content", output=site / "plain-output")
    finally:
        (site / "content" / "articles" / "plain.md").unlink()
    assert run.code == 0, run.stderr
    img = parse_html(site / "plain-output" / "plain" / "index.html").article.picture.img
    assert img["alt"] == "" and img["width"] == "700"


def phone_photo(path):
    """A 48-megapixel JPEG, as a phone takes: one colour, so it encodes small and fast."""
    Image.new("RGB", (8000, 6000), (120, 150, 170)).save(path, quality=70)


def test_a_48_megapixel_phone_photo_is_scaled_down(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "images").mkdir()
    phone_photo(content / "images" / "phone.jpg")
    (content / "articles" / "phone.md").write_text(
        article("Phone", "Text.\n\n![A phone photo](/images/phone.jpg)"), "utf-8"
    )
    run = run_build("--content", content, output=tmp_path / "output")
    assert run.code == 0, run.stderr
    img = parse_html(tmp_path / "output" / "phone" / "index.html").article.picture.img
    widths = [int(c.split()[-1].rstrip("w")) for c in img["srcset"].split(", ")]
    assert max(widths) <= max(imaging.WIDTHS) and (img["width"], img["height"]) == ("1280", "960")
    with Image.open(tmp_path / "output" / img["src"].lstrip("/")) as largest:
        assert largest.size == (1280, 960)


def test_a_large_jpeg_is_decoded_at_a_reduced_size(tmp_path, monkeypatch):
    phone_photo(tmp_path / "phone.jpg")
    decoded, transpose = [], ImageOps.exif_transpose

    def exif_transpose(image):
        decoded.append(image.size)
        return transpose(image)

    monkeypatch.setattr(imaging.ImageOps, "exif_transpose", exif_transpose)
    jobs = {job.width: job for job in imaging.plan(tmp_path / "phone.jpg").jobs}
    for width in (320, 1280):
        with Image.open(io.BytesIO(imaging.make(jobs[width]))) as made:
            assert made.width == width
    # At least twice the width made: 1/8 of 8000 for 320 px, 1/2 for 1280 px.
    assert decoded == [(1000, 750), (4000, 3000)]


def test_pillows_guard_is_the_sites_limit_and_refuses_a_bomb_from_its_header(tmp_path):
    png_header(tmp_path / "bomb.png", 60_000, 60_000)  # 3.6 gigapixels
    png_header(tmp_path / "big.png", 12_000, 12_000)  # 144 megapixels
    guard = Image.MAX_IMAGE_PIXELS
    assert check.unreadable(tmp_path / "bomb.png", 100).startswith(
        "is more than 200 megapixels, more than the limit of 100."
    )
    # Between the limit and twice it, the size is told; a lower limit is Pillow's guard too.
    assert check.unreadable(tmp_path / "big.png", 100).startswith(
        "is 12000x12000 pixels (144 megapixels), more than the limit of 100."
    )
    assert check.unreadable(tmp_path / "big.png", 50).startswith("is more than 100 megapixels")
    assert guard == Image.MAX_IMAGE_PIXELS  # left as it was


def test_a_100_megapixel_photo_is_within_the_default_limit(tmp_path):
    png_header(tmp_path / "hundred.png", 10_000, 10_000)
    with imaging.open_image(tmp_path / "hundred.png") as image:
        assert image.size == (10_000, 10_000)
    # Not too large: read, and found to hold no image data (in one line, no traceback).
    assert check.unreadable(tmp_path / "hundred.png", 100).startswith(
        "cannot be read as an image (it holds no image data)."
    )


INDENTED = """\
An example, indented as older blogs write code:

    <img src="https://example.com/logo.png">
    ![](/images/photo.jpg)

> Quoted code:
>
>     <img src="https://example.com/quoted.png">

<!-- An old embed: <img src="https://example.com/embed.png"> -->

1. A step.

    ![](/images/photo.jpg)
"""


def test_an_image_in_code_or_a_comment_is_text_and_one_in_a_list_item_is_checked(site):
    # The list item's further paragraph is indented the same way, and is an image.
    (error,) = refusals(site, INDENTED)
    assert "content/articles/bad.md:19: the image /images/photo.jpg has no alt text." in error


def test_a_footnote_after_an_exclamation_mark_is_no_image():
    body = "It works![^1] So does this![^note]\n\n[^1]: https://example.com/a.jpg says so.\n"
    body += "[^note]: Plain words.\n"
    assert list(check.images_of(body)) == []
