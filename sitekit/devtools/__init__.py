"""Tools for people working on the site (bench, ablations, scaffold, live preview, browser).

Nothing in a build imports this package: tests/test_layout.py checks that.
"""
