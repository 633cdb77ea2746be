"""Type stub of the optional C extension built from ``_scan.c``."""

SIMD: bool

def scan(text: bytes, sources: tuple[bytes, ...], /) -> tuple[int, list[int]]: ...
