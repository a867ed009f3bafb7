"""Tools outside Python that some tests need: skipped on a laptop without them, failed under CI."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_tool(available: object, why: str) -> None:
    """Skip when a tool is missing on a laptop; under CI=true that is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{why} (CI=true, so a missing tool fails the run)")
    pytest.skip(why)
