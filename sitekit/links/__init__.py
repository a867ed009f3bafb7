"""Links: every internal link on the written pages leads somewhere (publish), told at the
Markdown file and line it was written (plugin records each page's source)."""
