"""The full text of an article page, for feeds that carry only a teaser.

The page is fetched through the same Fetcher as feeds, so the same size cap,
timeouts, global cap and one-request-per-host rule hold, and a link or redirect
that leads to a loopback, private or link-local address is refused (guard.py).
Its main text is drawn out by trafilatura, a maintained extractor that copes
with Arabic pages. trafilatura lets some furniture through on plain-div pages
(captions, "By …", "المصدر :"), so its output goes through the same line filter
as feed text.

Which pages are fetched is the feed's `full_text` setting: "auto" fetches only
when the feed's text is short and the page is on the feed's own site, "on"
fetches every new item's page, "off" never fetches.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from bot.core.urls import same_site
from bot.ingest.fetch import PAGE_TYPES, Fetcher, FetchLimits
from bot.models import FeedStatus, FullText

log = logging.getLogger(__name__)

MAX_PAGES_PER_FEED = 30  # pages fetched for one feed in one pass; the rest keep the teaser
PAGE_MAX_BYTES = 3 * 1024 * 1024
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


def wants_page(mode: FullText, *, short: bool, link: str, feed_urls: tuple[str, ...]) -> bool:
    """Whether to fetch the article page for this item under the feed's setting."""
    if mode == FullText.ON:
        return True
    if mode != FullText.AUTO or not short:
        return False
    return any(same_site(link, u) for u in feed_urls if u)


class PageExtractor:
    def __init__(self, fetcher: Fetcher, *, limits: FetchLimits | None = None) -> None:
        self.fetcher = fetcher
        base = limits or fetcher.limits
        self.limits = replace(base, max_bytes=min(base.max_bytes, PAGE_MAX_BYTES))

    async def full_text(self, url: str) -> str | None:
        """The page's main text, one paragraph per line; None when it cannot be had."""
        result = await self.fetcher.fetch(url, accept=PAGE_TYPES, limits=self.limits)
        if not result.ok:
            if result.status == FeedStatus.PRIVATE_ADDRESS:  # a link aimed inside: say so
                log.warning("article page %s: %s", url, result.error)
            else:
                log.info("article page %s: %s", url, result.status)
            return None
        media = result.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in _HTML_TYPES:
            return None
        return await asyncio.to_thread(extract_main_text, result.body, result.url)


def extract_main_text(page: bytes, url: str) -> str | None:
    """trafilatura's reading of the page's main text (imported here: it is slow to import)."""
    import trafilatura

    try:
        text = trafilatura.extract(
            page,
            url=url,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
            deduplicate=False,
        )
    except Exception:  # a page trafilatura chokes on only costs us its text
        log.warning("extracting %s failed", url, exc_info=True)
        return None
    return text or None
