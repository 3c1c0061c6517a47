"""Canonical URLs: one spelling per article, so the same link is stored once.

Two links name the same article when they differ only in what does not change
the page: the case of the scheme and host, a default port, a fragment, a
trailing dot on the host, or tracking parameters that analytics tools add
(utm_*, fbclid, gclid...). The path and the remaining query are kept as written:
many servers treat them as case-sensitive.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "_hs", "pk_", "mtm_", "hsa_", "oly_", "vero_", "__s")
_TRACKING_PARAMS = frozenset(
    (
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mkt_tok",
        "ocid",
        "cmpid",
        "at_medium",
        "at_campaign",
        "ito",
        "ncid",
        "sr_share",
        "_ga",
        "_gl",
        "ref_src",
    )
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# C0 and C1 controls and DEL are never part of a link (a browser refuses them in a host and
# escapes them elsewhere); a NUL in a link's href even ends Telegram's reading of a message.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Second-level labels under which a country code hands out names (news.com.sa, bbc.co.uk).
_GENERIC_SLDS = frozenset(("co", "com", "net", "org", "gov", "edu", "ac", "info", "news", "ne"))


def is_web_url(url: str) -> bool:
    """Only http(s) links reach a reader; javascript: or data: never do, nor a link with a
    control character in it."""
    url = url.strip()
    if _CONTROL.search(url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)
    except ValueError:  # e.g. an invalid IPv6 literal or port
        return False


def canonical_url(url: str) -> str:
    """The one spelling of `url` used to recognise an article seen under another link."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def host_of(url: str) -> str:
    """The lowercase host of `url`, "" when it has none."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def site_of(url: str) -> str:
    """The registrable part of the host (aljazeera.net for www.aljazeera.net), by a rule of thumb.

    Used to keep full-text fetching on the publisher's own site: a feed may only
    lead us to pages of the site that serves it.
    """
    host = host_of(url)
    labels = host.split(".")
    if len(labels) <= 2 or host.replace(".", "").isdigit():
        return host
    keep = 3 if len(labels[-1]) == 2 and labels[-2] in _GENERIC_SLDS else 2
    return ".".join(labels[-keep:])


def same_site(a: str, b: str) -> bool:
    site = site_of(a)
    return bool(site) and site == site_of(b)


def _is_tracking(key: str) -> bool:
    lower = key.lower()
    return lower in _TRACKING_PARAMS or lower.startswith(_TRACKING_PREFIXES)
