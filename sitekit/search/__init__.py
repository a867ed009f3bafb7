"""Search: Pagefind's index of the published articles (publish), and what it indexes of
each page read while the page is rendered (plugin)."""
