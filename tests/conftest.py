"""Shared pytest configuration."""

pytest_plugins = [
    "tests.fakes.fixtures",
    "tests.fakes.feed_server",
    "tests.pg",
    "tests.backends",
]
