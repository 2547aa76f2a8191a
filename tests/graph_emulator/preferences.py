"""The Prefer request header: outlook.timezone, odata.maxpagesize, IdType, body type."""

import re

_PREFERENCE = re.compile(r'\s*([\w.-]+)\s*(?:=\s*("([^"]*)"|[^,;]*))?\s*(?:,|;|$)')


def parse(header):
    """'outlook.timezone="Pacific Standard Time", odata.maxpagesize=2' -> dict, names lower."""
    found = {}
    for match in _PREFERENCE.finditer(header or ""):
        name, raw, quoted = match.group(1), match.group(2), match.group(3)
        if not name:
            continue
        value = quoted if quoted is not None else (raw or "").strip()
        found[name.lower()] = value
    return found


def page_size(prefs, default, query=None, maximum=1000):
    """Page size from Prefer: odata.maxpagesize or $top, capped like Graph caps it."""
    for value in ((query or {}).get("$top"), prefs.get("odata.maxpagesize")):
        if value and str(value).isdigit() and int(value) > 0:
            return min(int(value), maximum)
    return default
