"""Time zones by IANA name or by city, in Arabic or English: `/timezone باكو`, `/timezone Baku`.

City names come from CLDR through Babel (every zone's exemplar city, in Arabic and
English), plus a few capitals and big cities that are not zone names themselves.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from babel import Locale

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


def parse_timezone(text: str) -> str:
    """The IANA zone the reader meant; BadTimezone when we cannot tell."""
    given = text.strip()
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
    """The zone's city as readers of `language` call it: باكو for Asia/Baku."""
    info = Locale(language).time_zones.get(zone_name)
    city = info.get("city") if info else None
    return str(city) if city else zone_name.rsplit("/", 1)[-1].replace("_", " ")
