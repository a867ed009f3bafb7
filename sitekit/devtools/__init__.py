"""Stage 5: tools for people working on the site (bench, scaffold, browser).

Nothing in a build imports this package; a test checks that.
"""
