"""The person's time zone, for showing UTC history in local days and times.

A real zone (with its DST rules) matters: a fixed offset taken from "now" would put
last summer's evening sessions on the wrong day. Order: `TZ` (a zone name such as
`Europe/Berlin`), then the system's `/etc/localtime`, then the C library's idea of
local time (Windows, or a system without a zone database).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SYSTEM_LOCALTIME = Path("/etc/localtime")
_EPOCH = datetime(1970, 1, 1)


class SystemZone(tzinfo):
    """Local time as the C library sees it, instant by instant (so DST is right)."""

    def _local(self, dt: datetime | None) -> time.struct_time:
        if dt is None:
            return time.localtime()
        fields = (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, 0, 0, -1)
        return time.localtime(time.mktime(fields))

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(seconds=self._local(dt).tm_gmtoff)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=1) if self._local(dt).tm_isdst > 0 else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return self._local(dt).tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        seconds = (dt.replace(tzinfo=None) - _EPOCH) / timedelta(seconds=1)
        return dt + timedelta(seconds=time.localtime(seconds).tm_gmtoff)

    def __repr__(self) -> str:
        return "SystemZone()"

    def __str__(self) -> str:
        return "local"


def zone_name(zone: tzinfo) -> str:
    """A name for JSON output: the IANA key where known."""
    if isinstance(zone, ZoneInfo) and zone.key:
        return zone.key
    if zone is timezone.utc:
        return "UTC"
    return str(zone)


def _key_from_link(path: Path) -> str | None:
    """`Europe/Berlin` from a link like /etc/localtime -> /usr/share/zoneinfo/Europe/Berlin."""
    try:
        target = str(path.resolve())
    except OSError:  # pragma: no cover - a link loop
        return None
    _, marker, key = target.partition("zoneinfo/")
    return key if marker and key else None


def local_zone(environ: Mapping[str, str], *, localtime: Path = SYSTEM_LOCALTIME) -> tzinfo:
    name = environ.get("TZ", "").lstrip(":")
    candidates = [name] if name else []
    if not name and localtime.is_symlink():
        key = _key_from_link(localtime)
        if key:
            candidates.append(key)
    for key in candidates:
        try:
            return ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    if not name and localtime.is_file():
        try:
            with localtime.open("rb") as file:
                return ZoneInfo.from_file(file, key="localtime")
        except (OSError, ValueError):
            pass
    return SystemZone()
