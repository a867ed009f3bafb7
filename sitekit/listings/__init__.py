"""Listings: related articles, tags and categories, scheduled and draft articles, and the
feeds' titles."""
