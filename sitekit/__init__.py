"""The site's own code: Pelican plugins, the build runner and the output checks."""
