"""People: authors and reviewers, described in content/authors.toml (model), checked in
the sources (check), and attached to their articles and pages (plugin)."""
