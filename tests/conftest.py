"""Shared pytest configuration."""

pytest_plugins = ["tests.fakes.fixtures"]
