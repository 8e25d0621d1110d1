"""How messages say things: counts with the right plural."""

from __future__ import annotations


def count(n: int, noun: str, plural: str = "") -> str:
    """``count(1, "note")`` is "1 note", ``count(2, "note")`` "2 notes"."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


__all__ = ["count"]
