"""Hostile-input fixtures: the ingestion fixtures, reused."""

from tests.ingest.conftest import ingestor, services

__all__ = ["ingestor", "services"]
