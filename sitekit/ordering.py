"""Give articles a total, stable order: newest first, then by slug.

Pelican collects source files in a set and sorts only by date, so two articles
with the same date come out in an order that changes from run to run. That
would make listings, feeds and previous/next links differ between two builds
of the same input.
"""

from pelican import signals


def newest_first(article):
    return (-article.date.timestamp(), article.slug)


def sort_articles(generator) -> None:
    # Before taxonomy, so category and tag lists inherit the same order.
    generator.articles.sort(key=newest_first)


def register():
    signals.article_generator_pretaxonomy.connect(sort_articles)
