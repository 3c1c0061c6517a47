"""The working week where the reader lives: `/days weekdays` and `/days weekends`.

"Weekdays" is Monday–Friday only in part of the world; in most of the Arab world the
working week is الأحد–الخميس (Sunday–Thursday), in Iran Saturday–Thursday. CLDR's week
data (through Babel) gives each territory's weekend; a time zone gives the territory
(CLDR's zone → territory table). A zone with no territory (UTC, Etc/GMT-3) takes the
world's default (Saturday and Sunday off).
"""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from bot.models import ALL_DAYS

WORLD = "001"


@cache
def weekend(zone_name: str | None) -> frozenset[int]:
    """ISO weekdays (1 = Monday) that are the weekend in the zone's country."""
    territory = get_global("zone_territories").get(zone_name or "", WORLD)
    try:
        locale = Locale.parse(f"und_{territory if territory != 'ZZ' else WORLD}")
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(f"und_{WORLD}")
    start, end = locale.weekend_start, locale.weekend_end  # 0 = Monday
    length = (end - start) % 7 + 1
    return frozenset((start + i) % 7 + 1 for i in range(length))


def working_days(zone_name: str | None) -> frozenset[int]:
    """ISO weekdays of the working week in the zone's country (Sunday–Thursday in Riyadh)."""
    return ALL_DAYS - weekend(zone_name)
