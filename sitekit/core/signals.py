"""Our own signals, beside Pelican's: a content object read again by the live preview.

Between two builds, the live preview (sitekit.devtools.quick) reads a saved file
again into the last build's site and renders the open page from it at once,
before the whole build that follows. Pelican has no signal for one object read
again: its `article_generator_finalized` and `page_generator_finalized` hand
over the generator, and each receiver goes over every article. These two are
sent with the generator and `contents`, the objects read again; a feature
connects to them what it does to each article or page on its own (its
address, its images, its reading time), never what depends on the other
articles (neighbours, related articles, listings), which the object keeps
from the last build until the whole build has run.
"""

from __future__ import annotations

from blinker import signal

# sender: the ArticlesGenerator; contents: the articles read again.
articles_read_again = signal("sitekit_articles_read_again")
# sender: the PagesGenerator; contents: the pages read again.
pages_read_again = signal("sitekit_pages_read_again")
