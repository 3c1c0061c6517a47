"""Time zones by IANA name, by city in Arabic or English (`/timezone باكو`, `/timezone Baku`)
or by offset (`GMT+3`, `+03:00`, `UTC-5`).

City names come from CLDR through Babel (every zone's exemplar city, in Arabic and
English), plus a few capitals and big cities that are not zone names themselves. A name
two cities share (عمان: Amman or Muscat, the capital of Oman; طرابلس: Libya's or
Lebanon's Tripoli) is not guessed: `timezone_choices` gives both, for the reader to pick.
A whole-hour offset is an `Etc/GMT∓N` zone, whose sign POSIX inverts (`Etc/GMT-3` is three
hours *ahead* of UTC): `zone_label` shows it as "UTC+3".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global

from bot.core.normalize import normalize
from bot.errors import BadTimezone

# Cities people name that are not a zone's exemplar city: city -> zone.
_EXTRA_CITIES = {
    "جدة": "Asia/Riyadh", "مكة": "Asia/Riyadh", "مكة المكرمة": "Asia/Riyadh",
    "المدينة المنورة": "Asia/Riyadh", "الدمام": "Asia/Riyadh", "Jeddah": "Asia/Riyadh",
    "Mecca": "Asia/Riyadh", "Makkah": "Asia/Riyadh", "Medina": "Asia/Riyadh",
    "أبوظبي": "Asia/Dubai", "أبو ظبي": "Asia/Dubai", "الشارقة": "Asia/Dubai",
    "Abu Dhabi": "Asia/Dubai", "Sharjah": "Asia/Dubai", "المنامة": "Asia/Bahrain",
    "Manama": "Asia/Bahrain", "مسقط": "Asia/Muscat", "Muscat": "Asia/Muscat",
    "الإسكندرية": "Africa/Cairo", "Alexandria": "Africa/Cairo",
    "عمّان": "Asia/Amman", "عمان": "Asia/Amman", "Amman": "Asia/Amman",
    "القدس": "Asia/Jerusalem", "رام الله": "Asia/Hebron", "غزة": "Asia/Gaza",
    "أنقرة": "Europe/Istanbul", "Ankara": "Europe/Istanbul",
    "كنجة": "Asia/Baku", "جنجة": "Asia/Baku", "Ganja": "Asia/Baku",
    "سانت بطرسبرغ": "Europe/Moscow", "Saint Petersburg": "Europe/Moscow",
    "St Petersburg": "Europe/Moscow", "Washington": "America/New_York",
    "واشنطن": "America/New_York", "Beijing": "Asia/Shanghai", "بكين": "Asia/Shanghai",
    "New Delhi": "Asia/Kolkata", "نيودلهي": "Asia/Kolkata", "Delhi": "Asia/Kolkata",
    "Mumbai": "Asia/Kolkata", "مومباي": "Asia/Kolkata", "Kiev": "Europe/Kyiv",
    "Kyiv": "Europe/Kyiv", "كييف": "Europe/Kyiv", "Mosul": "Asia/Baghdad",
    "الموصل": "Asia/Baghdad", "البصرة": "Asia/Baghdad", "Erbil": "Asia/Baghdad",
    "أربيل": "Asia/Baghdad", "حلب": "Asia/Damascus", "Aleppo": "Asia/Damascus",
    "طرابلس": "Africa/Tripoli", "Tripoli": "Africa/Tripoli",
    "مراكش": "Africa/Casablanca", "الرباط": "Africa/Casablanca", "Rabat": "Africa/Casablanca",
}  # fmt: skip


# Names two cities share: the reader picks (normalized name -> zones, the likelier first).
_AMBIGUOUS = {
    "عمان": ("Asia/Amman", "Asia/Muscat"),
    "طرابلس": ("Africa/Tripoli", "Asia/Beirut"),
    "tripoli": ("Africa/Tripoli", "Asia/Beirut"),
}
_VOWELLED = {"عمّان": "Asia/Amman", "عُمان": "Asia/Muscat"}  # written so, the name is not shared
# Offsets that are not whole hours have no Etc zone: a zone that keeps them all year.
_PART_HOUR_ZONES = {
    (3, 30): "Asia/Tehran", (4, 30): "Asia/Kabul", (5, 30): "Asia/Kolkata",
    (5, 45): "Asia/Kathmandu", (6, 30): "Asia/Yangon", (9, 30): "Australia/Darwin",
    (-9, -30): "Pacific/Marquesas",
}  # fmt: skip
_OFFSET = re.compile(
    r"^(?:utc|gmt|ت\s*ع\s*م|غرينتش|جرينتش)?\s*([+\-−])\s*(\d{1,2})(?:\s*[:.٫]?\s*(\d{2}))?$"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def timezone_choices(text: str) -> tuple[str, ...]:
    """The zones `text` may mean: one, or several when a name is two cities' (عمان)."""
    exact = _VOWELLED.get(text.strip())
    if exact:
        return (exact,)
    ambiguous = _AMBIGUOUS.get(normalize(text.strip()))
    if ambiguous:
        return ambiguous
    return (parse_timezone(text),)


def parse_offset(text: str) -> str | None:
    """`GMT+3`, `+03:00`, `UTC-5`, `+3` → the zone of that fixed offset; None if not one."""
    found = _OFFSET.match(text.strip().casefold().translate(_DIGITS))
    if found is None:
        return None
    sign = -1 if found.group(1) == "-" or found.group(1) == "−" else 1
    hours, minutes = int(found.group(2)), int(found.group(3) or 0)
    if minutes:
        return _PART_HOUR_ZONES.get((sign * hours, sign * minutes))
    if not -12 <= sign * hours <= 14:
        return None
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"  # POSIX: the sign is inverted


def parse_timezone(text: str) -> str:
    """The IANA zone the reader meant; BadTimezone when we cannot tell."""
    given = text.strip()
    by_offset = parse_offset(given)
    if by_offset:
        return by_offset
    by_name = _zone_names().get(given.replace(" ", "_").casefold())
    if by_name:
        return by_name
    by_city = _cities().get(normalize(given))
    if by_city:
        return by_city
    raise BadTimezone(given=text)


@cache
def _zone_names() -> dict[str, str]:
    return {z.casefold(): z for z in available_timezones() if "/" in z or z == "UTC"}


@cache
def _cities() -> dict[str, str]:
    known = set(available_timezones())
    cities: dict[str, str] = {}
    for zone_name in sorted(known):
        if "/" in zone_name and not zone_name.startswith(("Etc/", "SystemV/", "US/")):
            cities.setdefault(normalize(zone_name.rsplit("/", 1)[1].replace("_", " ")), zone_name)
    for language in ("en", "ar"):
        for zone_name, info in Locale(language).time_zones.items():
            city = info.get("city")
            if city and zone_name in known:
                cities.setdefault(normalize(city), zone_name)
    for city, zone_name in _EXTRA_CITIES.items():
        cities[normalize(city)] = zone_name
    return cities


def city_name(zone_name: str, language: str) -> str:
    """The zone's city as readers of `language` call it: باكو for Asia/Baku; a fixed offset
    (Etc/GMT-3, UTC) as "UTC+3"."""
    if zone_name == "UTC" or zone_name.startswith("Etc/"):
        return fixed_offset_label(zone_name)
    info = Locale(language).time_zones.get(zone_name)
    city = info.get("city") if info else None
    return str(city) if city else zone_name.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(zone_name: str, language: str) -> str:
    """How replies name a zone: its city (الرياض, Riyadh) or its offset (UTC+3)."""
    return city_name(zone_name, language)


def country_name(zone_name: str, language: str) -> str:
    """The country a zone is in (الأردن for Asia/Amman), or "" for none."""
    territory = get_global("zone_territories").get(zone_name)
    names = Locale(language).territories
    return str(names.get(territory, "")) if territory and territory != "ZZ" else ""


def fixed_offset_label(zone_name: str) -> str:
    """`Etc/GMT-3` → "UTC+3" (POSIX names invert the sign); `UTC`, `Etc/UTC` → "UTC"."""
    return offset_label(ZoneInfo(zone_name), datetime(2000, 1, 1))


def offset_label(zone: ZoneInfo, at: datetime) -> str:
    """The zone's offset from UTC at `at` (naive: wall time in the zone): "UTC+3", "UTC+5:30"."""
    offset = zone.utcoffset(at) or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
