"""The domain core imports no adapter: no Telegram, no SQL, no network."""

import ast

from tests.paths import ROOT

FORBIDDEN = {"telegram", "aiosqlite", "sqlite3", "httpx", "aiohttp", "storage", "handlers"}


def test_core_imports_no_adapter() -> None:
    offenders = []
    for path in (ROOT / "bot" / "core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
