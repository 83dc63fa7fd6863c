"""Download names of the alignment report: what it covers and the day it was made, so that two downloads never
share a name (`alignment-FY2026-2026-11-29.csv`, `alignment-FY2026-Sales-orphaned-goals-2026-11-29.csv`)."""

import re
import unicodedata
from datetime import date


def slug(text: str) -> str:
    """ASCII letters, digits and dashes, case kept ("FY2026", "Team-Ålesund" → "Team-Alesund")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def download_name(*, cycle: str | None, unit: str | None, on: date, ext: str, section: str | None = None) -> str:
    """alignment-<cycle or active-cycles>[-<unit>][-<section>]-<YYYY-MM-DD>.<ext>"""
    parts = ["alignment", slug(cycle or "") or "active-cycles"]
    parts += [part for part in (slug(unit or ""), slug(section or "")) if part]
    return f"{'-'.join(parts)}-{on.isoformat()}.{ext}"
