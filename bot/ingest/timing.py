"""When a feed is next checked: the normal interval, pushed later by what the server asks.

After a good answer the next check is the normal interval away, or later when
the publisher asks for it (Cache-Control max-age, Expires, an RSS <ttl> or the
syndication module's update period), never later than `max_hint`. After a
failure the wait doubles with each consecutive error up to a ceiling, and a
Retry-After pushes it further (up to a day). A little jitter keeps hundreds of
feeds seeded at once from all falling due in the same minute.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

_MAX_AGE = re.compile(r"(?:^|,)\s*(s-maxage|max-age)\s*=\s*\"?(\d+)", re.IGNORECASE)
# A server's number of seconds is read only up to this; beyond it timedelta overflows, and no
# hint is worth more than max_hint anyway.
_LONGEST_HINT = timedelta(days=365)
_SY_PERIODS = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
    "monthly": timedelta(days=30),
    "yearly": timedelta(days=365),
}


@dataclass(frozen=True)
class Timing:
    interval: timedelta = timedelta(minutes=10)
    max_hint: timedelta = timedelta(hours=3)  # a cache hint or ttl pushes at most this far
    max_retry_after: timedelta = timedelta(hours=24)
    backoff_ceiling: timedelta = timedelta(hours=6)
    jitter: float = 0.1  # up to this fraction of the interval is added at random

    def after_success(self, now: datetime, hints: list[timedelta | None]) -> datetime:
        """The next check after the feed answered (200 or 304)."""
        wait = self.interval
        for hint in hints:
            if hint is not None and hint > wait:
                wait = min(hint, max(self.max_hint, self.interval))
        return now + wait + self._jitter()

    def after_failure(
        self, now: datetime, consecutive_errors: int, retry_after: float | None = None
    ) -> datetime:
        """The next check after the `consecutive_errors`-th failure in a row (1 for the first)."""
        steps = max(consecutive_errors - 1, 0)
        backoff = self.interval * (1 << min(steps, 20))
        wait = min(backoff, max(self.backoff_ceiling, self.interval))
        if retry_after is not None:
            asked = timedelta(seconds=min(retry_after, self.max_retry_after.total_seconds()))
            wait = max(wait, asked)
        return now + wait + self._jitter()

    def _jitter(self) -> timedelta:
        return self.interval * (random.random() * self.jitter) if self.jitter else timedelta()


def cache_hint(headers: dict[str, str], now: datetime) -> timedelta | None:
    """How long the response says it stays fresh (Cache-Control max-age, else Expires)."""
    control = headers.get("cache-control", "")
    if re.search(r"no-cache|no-store", control, re.IGNORECASE):
        return None
    ages = [int(m.group(2)) for m in _MAX_AGE.finditer(control)]
    if ages:
        return _bounded(max(ages))
    expires = _http_date(headers.get("expires"))
    if expires is None:
        return None
    reference = _http_date(headers.get("date")) or now
    return expires - reference if expires > reference else None


def ttl_hint(
    ttl: str | None, update_period: str | None = None, update_frequency: str | None = None
) -> timedelta | None:
    """The feed's own word on how often it changes: RSS <ttl> minutes or sy:updatePeriod."""
    hints = []
    if ttl and ttl.strip().isdigit():
        hints.append(_bounded(int(ttl.strip()) * 60))
    period = _SY_PERIODS.get((update_period or "").strip().lower())
    if period:
        frequency = (update_frequency or "1").strip()
        hints.append(period / max(int(frequency) if frequency.isdigit() else 1, 1))
    return max(hints) if hints else None


def _bounded(seconds: int) -> timedelta:
    return timedelta(seconds=min(seconds, _LONGEST_HINT.total_seconds()))


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
