"""Helpers the tests share. Fixtures live in tests/conftest.py; plain functions live here."""
