"""The release this is: `mujaz --version`, and what CHANGELOG.md lists it with."""

from __future__ import annotations

import tomllib
from importlib import metadata

from bot.config import PROJECT_DIR


def version() -> str:
    """From the checkout's pyproject.toml when there is one (an editable install's
    metadata can be older than the checkout), else from the installed package."""
    pyproject = PROJECT_DIR / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    try:
        return metadata.version("mujaz")
    except metadata.PackageNotFoundError:
        return "unknown"


def describe() -> str:
    from storage.db import migrations

    known = migrations()
    return f"mujaz {version()} (database schema {known[-1][0] if known else 0})"
