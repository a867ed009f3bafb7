"""Pages: every page rendered on every build and written only when its bytes changed
(render)."""
