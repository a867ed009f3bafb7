"""pages.fixed_urls: an article's address is worked out once, and stays what Pelican says."""

import copy
from datetime import datetime
from unittest import mock

from pelican.contents import Article, Page
from pelican.settings import DEFAULT_CONFIG

from sitekit.pages.fixed_urls import fix


def content(kind, **metadata):
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings.update(ARTICLE_URL="{slug}/", ARTICLE_SAVE_AS="{slug}/index.html")
    metadata = {"title": "A title", "date": datetime(2026, 11, 24), **metadata}
    return kind("<p>Text.</p>", metadata=metadata, settings=settings, source_path="a.md")


def test_addresses_are_pelicans_and_worked_out_once():
    article, page, draft = content(Article), content(Page), content(Article, status="draft")
    expected = [(c.url, c.save_as) for c in (article, page, draft)]
    fix([article, page, draft])
    assert [type(c).__name__ for c in (article, page, draft)] == ["Article", "Page", "Article"]
    assert isinstance(article, Article) and isinstance(page, Page)
    assert [(c.url, c.save_as) for c in (article, page, draft)] == expected
    with mock.patch.object(Article, "get_url_setting", side_effect=AssertionError):
        assert [(c.url, c.save_as) for c in (article, draft)] == [expected[0], expected[2]]
    assert (page.url, page.save_as) == expected[1]
    assert expected[0] == ("a-title/", "a-title/index.html")
    assert expected[2][0].startswith("drafts/")
