"""Stage 1: check the sources before Pelican reads them (see docs/architecture.md)."""
