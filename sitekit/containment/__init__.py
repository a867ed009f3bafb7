"""Containment: what content/ may hold and what a page may name, so that nothing outside
content/ is read or published and only what a page needs is published (check)."""
