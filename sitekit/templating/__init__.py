"""Templating: the inlined stylesheet (inline_css), theme assets and their fingerprinted
names (assets, fingerprints), and the templates' filters and globals (helpers)."""
