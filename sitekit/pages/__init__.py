"""Pages: every page rendered on every build and written only when its bytes changed
(render), and each article's address worked out once (fixed_urls)."""
