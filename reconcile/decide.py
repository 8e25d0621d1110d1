"""Which reading a site's note chooses, and why.

For now the canonical text is the base witness's, so the chosen reading is the canonical
one; the reason says how many independent witnesses carry it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .apparatus import Site


@dataclass(frozen=True, slots=True)
class Decision:
    chosen: str
    reason: str
    confidence: float
    review: bool


def decide(site: Site) -> Decision:
    carried = [r for r in site.readings if r.witnesses]
    total = sum(len(r.witnesses) for r in carried) or 1
    agree = len(site.readings[0].witnesses)
    if agree == 0:
        reason = "base witness's reading kept: no other witness prints this place the same way"
    else:
        reason = f"base witness's reading, carried by {agree} of {total} witnesses"
    conf = round(agree / total, 2)
    return Decision(site.readings[0].text, reason, conf, conf <= 0.5)
