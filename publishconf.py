"""Pelican settings for production: the local settings plus the public address."""

import os
import sys

sys.path.append(os.path.dirname(__file__))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False
