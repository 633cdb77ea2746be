"""Offline country of a source address: geoip2fast's bundled table, or a MaxMind file."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any, Protocol

from auditor.errors import ConfigError


class CountryLookup(Protocol):
    """Maps an address to an ISO country code, or None when unknown."""

    def country(self, address: str | None) -> str | None:
        """The country code of a public address; None for private, service or unknown."""
        ...


def _public_ip(address: str | None) -> str | None:
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    return None if (parsed.is_private or parsed.is_loopback or parsed.is_reserved) else address


class Geoip2FastLookup:
    """The default: geoip2fast's bundled offline table (loaded on first use)."""

    def __init__(self) -> None:
        self._engine: Any = None

    def country(self, address: str | None) -> str | None:
        """See ``CountryLookup.country``."""
        public = _public_ip(address)
        if public is None:
            return None
        return _cached_lookup(self, public)

    def raw_lookup(self, address: str) -> str | None:
        """Look one public address up in the table."""
        if self._engine is None:
            from geoip2fast import GeoIP2Fast

            self._engine = GeoIP2Fast()
        code = str(self._engine.lookup(address).country_code or "")
        return code if len(code) == 2 and code.isalpha() else None


@lru_cache(maxsize=65536)
def _cached_lookup(lookup: Geoip2FastLookup, address: str) -> str | None:
    return lookup.raw_lookup(address)


class MaxMindLookup:
    """A MaxMind GeoLite2/GeoIP2 country or city database (needs the maxminddb package)."""

    def __init__(self, path: str) -> None:
        try:
            import maxminddb  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise ConfigError(
                f"[geo] database = {path!r} needs the 'maxminddb' package (pip install maxminddb)"
            ) from None
        try:
            self._reader = maxminddb.open_database(path)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"[geo] database {path!r} cannot be opened: {exc}") from None

    def country(self, address: str | None) -> str | None:
        """See ``CountryLookup.country``."""
        public = _public_ip(address)
        if public is None:
            return None
        record = self._reader.get(public)
        if not isinstance(record, dict):
            return None
        country = record.get("country") or record.get("registered_country") or {}
        code = country.get("iso_code") if isinstance(country, dict) else None
        return str(code) if code else None


def open_country_lookup(database: str) -> CountryLookup:
    """The lookup ``[geo] database`` asks for (empty: the bundled table)."""
    return MaxMindLookup(database) if database else Geoip2FastLookup()
