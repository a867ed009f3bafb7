"""Pelican settings for production: the local settings plus the public address.

Build with `SITEURL=https://example.org invoke build --production`. The build
refuses to start unless SITEURL is an absolute https:// address.
"""

import os
import sys

# pelicanconf.py beside this file, not another one found earlier on the path.
if os.path.dirname(__file__) not in sys.path:
    sys.path.insert(0, os.path.dirname(__file__))

from pelicanconf import *
from pelicanconf import DIRECT_TEMPLATES, SITEKIT

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False

# Drafts leave no trace: no page (and Pelican already keeps them out of
# listings, feeds, tag and category pages; the sitemap lists published articles).
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""

# Feeds, with the full text of every article.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
RSS_FEED_SUMMARY_ONLY = False

# For search engines: robots.txt from its template (the sitemap is a publishing step).
DIRECT_TEMPLATES = [*DIRECT_TEMPLATES, "robots"]
ROBOTS_SAVE_AS = "robots.txt"

SITEKIT = {
    **SITEKIT,
    "require_https_siteurl": True,
    # Fingerprinted assets, a CSP <meta> for hosts without headers (GitHub Pages),
    # headers for Netlify and Cloudflare, the sitemap, .gz/.br twins of every text file,
    # and one whole search index.
    "fingerprint_assets": True,
    "csp_meta": True,
    "headers_file": "_headers",
    # Redirects for Netlify and Cloudflare (_redirects) and nginx (_redirects.nginx), and
    # a build that refuses to lose an address content/addresses.txt records.
    "redirects_file": "_redirects",
    "keep_addresses": True,
    "sitemap": "sitemap.xml",
    "precompress": True,
    # One whole search index, whatever the last build made: readers load nothing more.
    "search_delta": False,
}
