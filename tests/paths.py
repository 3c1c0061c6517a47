"""Where tests find the project's files and the shared real-world samples."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "samples" / "seed-article.txt"
SHARED_FEEDS = SHARED / "feeds"


def seed_article() -> tuple[str, str]:
    """(headline, body) of the seed article, boilerplate and all."""
    title, body = SEED_ARTICLE.read_text(encoding="utf-8").split("\n", 1)
    return title.strip(), body
