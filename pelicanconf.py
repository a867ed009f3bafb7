"""Pelican settings for local work. publishconf.py builds on these for production.

Settings only: the logic they name lives in the sitekit package.
"""

import logging

# Who publishes the site: the footer and the articles' structured data name it.
# No AUTHOR: an article names its writer with Author:, described in AUTHORS_FILE.
PUBLISHER = "Back Massage Notes"
# Authors and reviewers (sitekit.people.model): below PATH.
AUTHORS_FILE = "authors.toml"
SITENAME = "Back Massage Notes"
SITE_DESCRIPTION = (
    "Two plain-language articles on massage therapy for the back: "
    "what it involves, and how it may ease tension and pain."
)
SITEURL = ""
COPYRIGHT_YEAR = 2026
# /.well-known/security.txt (RFC 9116): whom to tell about a security problem, and
# until when that holds. The build fails from 30 days before SECURITY_EXPIRES: check
# the address, then move the date on, at most a year ahead.
SECURITY_CONTACT = "mailto:security@example.org"
SECURITY_EXPIRES = "2027-11-30T00:00:00Z"

PATH = "content"
ARTICLE_PATHS = ["articles"]
# Markdown only: the build reports any other text file instead of skipping it.
READERS = {"rst": None, "html": None, "htm": None}
# Hidden files (editors' swap and lock files) and backups are never content.
# Pelican matches these against file and folder names.
IGNORE_FILES = [".*", "*~", "#*#"]
# Pages (About, the medical disclaimer...): content/pages/, at /<slug>/, in no
# listing, feed or search; the footer links those FOOTER_PAGES names, in order.
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
FOOTER_PAGES = ["about", "medical-disclaimer", "privacy"]
# Images for articles: content/images/, linked as ![alt]({static}/images/NAME).
STATIC_PATHS = ["images"]
# Our own check (sitekit.images.check) refuses an image without alt text,
# unless an empty alt says on purpose that it is decorative: Pelican's blanket
# warning about empty alt attributes would refuse that too.
LOG_FILTER = [(logging.WARNING, "Empty alt attribute for image %s in %s")]
THEME = "theme"

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# Always list plugins: an unset PLUGINS loads every installed namespace plugin.
# In the order docs/architecture.md explains them.
PLUGINS = [
    "sitekit.templating.inline_css",
    "sitekit.templating.assets",
    "sitekit.templating.helpers",
    "sitekit.markdown.reader",
    "sitekit.pages.fixed_urls",
    "pelican.plugins.neighbors",
    "sitekit.listings.related",
    "sitekit.people.plugin",
    "sitekit.listings.taxonomy",
    "sitekit.markdown.reading_time",
    "sitekit.listings.schedule",
    "sitekit.images.plugin",
    "sitekit.markdown.scroll_boxes",
    "sitekit.listings.feeds",
    "sitekit.pages.render",
    "sitekit.links.plugin",
    "sitekit.redirects.plugin",
    "sitekit.search.plugin",
    "sitekit.hosting.plugin",
]
# Options of our plugins and publishing steps: sitekit.core.state.Options lists
# every one with its default. Local builds use the defaults, but for health_site:
# this site is about health, so its articles are schema.org MedicalWebPages.
SITEKIT = {"health_site": True}

# Metadata is escaped by default; article bodies are marked safe in article.html.
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        # Heading ids and permalinks; sitekit.markdown.reader keeps the table of contents.
        "markdown.extensions.toc": {
            # The heading text itself links to the section: link text that makes sense.
            "anchorlink": True,
            "toc_depth": "2-3",
        },
        # One <h1> a page, the title: a text's "# Heading" becomes <h2>.
        "sitekit.markdown.headings": {},
        # A table column's alignment as a class: the security policy blocks style attributes.
        "sitekit.markdown.tables": {},
        # Editor's notes beside the author's text: '!!! editor-note "YYYY-MM-DD"' blocks.
        "sitekit.markdown.editor_notes": {},
        # Last: the same HTML, faster (it guards the patterns the ones above registered).
        "sitekit.markdown.guards": {},
    },
    "output_format": "html5",
}

# Fields of your own in an article's fields (lower-case), never taken for a typo of Pelican's:
# CUSTOM_FIELDS = ["update"] lets an article say "Update: 2026-12-01" (templates: article.update).
CUSTOM_FIELDS: list[str] = []

# The heading of the section footnotes become at the end of an article ("Sources" or "Notes").
FOOTNOTES_HEADING = "Sources"

# Shown on every article, above the text: two lines on a phone, followed by a link to the
# page HEALTH_DISCLAIMER names (its slug), which says it in full.
HEALTH_NOTICE = "Not medical advice: see a professional about pain."
HEALTH_DISCLAIMER = "medical-disclaimer"

# Pretty URLs: every page is a folder with an index.html.
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
# Drafts (Status: draft) are previewable here; publishconf.py writes none of them.
# An article dated in the future is a draft until its date (sitekit.listings.schedule).
WITH_FUTURE_DATES = False
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
INDEX_URL = ""
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"

# One author, no static pages, no per-period archives: none of those page types.
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives", "search", "404"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"

# The navigation, in order: (label, URL relative to SITEURL).
NAV_LINKS = [
    ("Articles", ""),
    ("Archives", ARCHIVES_URL),
    ("Categories", CATEGORIES_URL),
    ("Tags", TAGS_URL),
]

# Feeds need an absolute SITEURL, so only the production build writes them.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Listings show 10 articles a page, so no page grows with the number of articles.
DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {
    "index": None,
    "category": None,
    "tag": None,
    "archives": None,
    "author": None,
}
PAGINATION_PATTERNS = [
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
]

# Pelican's content cache, checked by content hash (mtimes are unreliable in
# git checkouts). sitekit.runner keeps it beside the output folder, keyed by
# everything that shapes what it holds (sitekit.core.inputs).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "sha256"
CONTENT_CACHING_LAYER = "reader"
# Uncompressed: loading is faster, and the cache is not shipped anywhere.
GZIP_CACHE = False
RELATIVE_URLS = False
