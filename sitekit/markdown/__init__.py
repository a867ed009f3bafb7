"""Markdown: the checks of fields and text (check), the reader that converts on every core
and keeps the table of contents (reader), footnotes as a Sources section, the guards that
speed up Python-Markdown, reading time and scrolling boxes for wide tables and code."""
