"""Durations as the data format writes them (``4h``, ``1d12h``), held as whole minutes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

UNIT_MINUTES: Final = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}

# Groups of <digits><unit>, largest unit first, each unit at most once, no leading zeros.
_PATTERN_TEXT: Final = (
    r"(?:(?:0|[1-9][0-9]*)w)?(?:(?:0|[1-9][0-9]*)d)?(?:(?:0|[1-9][0-9]*)h)?(?:(?:0|[1-9][0-9]*)m)?"
)
DURATION_PATTERN: Final = rf"^(?=[0-9]){_PATTERN_TEXT}$"
_DURATION_RE: Final = re.compile(rf"(?=[0-9]){_PATTERN_TEXT}")
_GROUP_RE: Final = re.compile(r"([0-9]+)([wdhm])")
HINT: Final = "write 4h, 30m, 1d12h"


@dataclass(frozen=True, order=True, slots=True)
class Duration:
    """A span of time in whole minutes; ``str()`` gives the canonical data-format spelling."""

    minutes: int

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read a duration; raise ValueError when *text* is not one."""
        if not isinstance(text, str):
            raise ValueError(text)
        return _parse(text)

    def __str__(self) -> str:
        if self.minutes == 0:
            return "0m"
        rest, parts = self.minutes, []
        # Weeks only when exact: "10d" reads better than "1w3d" in recovery estimates.
        units = ("w", "d", "h", "m") if self.minutes % UNIT_MINUTES["w"] == 0 else ("d", "h", "m")
        for unit in units:
            count, rest = divmod(rest, UNIT_MINUTES[unit])
            if count:
                parts.append(f"{count}{unit}")
        return "".join(parts)

    def __add__(self, other: Duration) -> Duration:
        return Duration(self.minutes + other.minutes)

    @property
    def hours(self) -> float:
        return self.minutes / 60


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Duration:
    # A data folder spells the same few durations thousands of times.
    if not _DURATION_RE.fullmatch(text):
        raise ValueError(text)
    return Duration(sum(int(n) * UNIT_MINUTES[u] for n, u in _GROUP_RE.findall(text)))


def is_duration(text: str) -> bool:
    return bool(_DURATION_RE.fullmatch(text))
