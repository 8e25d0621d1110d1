"""When a run needs a human: fail-on policies and baselines, for ``reconcile`` in CI.

Everything here works on the output contract (the dicts of ``summary.json`` and of each
work's ``notes.json``), not on the pipeline's internals, so a policy means the same thing
whether it is checked on a fresh run or on files a run wrote.

Policies (``--fail-on``), each a question with a list of findings for an answer:

- ``new``: notes that are not in the baseline, or are in it with other readings or another
  chosen reading (see :func:`compare`);
- ``review``: notes marked ``review: true``;
- ``ties``: notes whose readings are in an open tie (see :func:`is_open_tie`);
- ``unreadable``: files that could not be read (``errors`` in ``summary.json``);
- ``duplicates``: duplicated text (``duplicates`` in ``summary.json``).

A baseline records every note of a run by its stable id (``apparatus.note_id``: made from
the work and the place's text and context, so it survives edits elsewhere) with what it
says: kind, offset, the chosen reading and every reading with the ids of the witnesses that
carry it. It is JSON, one note per line, in a fixed order: the same run gives the same
bytes, and a change to it reads well in a diff.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from .wording import count

BASELINE_FORMAT = "reconcile-baseline"
BASELINE_VERSION = 1


class FailOn(str, Enum):
    """What makes a run fail (exit 1). Declared in the order findings are reported."""

    NEW = "new"
    REVIEW = "review"
    TIES = "ties"
    UNREADABLE = "unreadable"
    DUPLICATES = "duplicates"


POLICY_HELP: dict[FailOn, str] = {
    FailOn.NEW: "notes not in the baseline, or with other readings than there",
    FailOn.REVIEW: "notes that need review",
    FailOn.TIES: "notes whose readings are in an open tie",
    FailOn.UNREADABLE: "files that could not be read",
    FailOn.DUPLICATES: "duplicated text",
}


def parse_fail_on(values: Iterable[str] | None) -> tuple[FailOn, ...]:
    """``["new,review", "ties"]`` -> the policies, each once, in declaration order. Raises
    ValueError naming the bad value and the choices."""
    got: set[FailOn] = set()
    for value in values or ():
        for part in str(value).split(","):
            name = part.strip().lower()
            if not name:
                continue
            try:
                got.add(FailOn(name))
            except ValueError:
                choices = ", ".join(p.value for p in FailOn)
                raise ValueError(f"{part.strip()!r} is not a policy "
                                 f"(choose from {choices})") from None
    return tuple(p for p in FailOn if p in got)


# --- what a run says, in the shape of its output files ------------------------------------


@dataclass(frozen=True, slots=True)
class Report:
    """A run's results as the output files hold them."""

    summary: dict[str, Any]  # summary.json
    notes: Mapping[str, list[dict[str, Any]]]  # work id -> the "notes" list of its notes.json

    def counts(self, work_id: str) -> tuple[int, int, int, dict[str, int]]:
        """A work's notes, those to review, those in an open tie, and its notes by kind;
        from the run's kept counts where the notes are a run's (nothing is unpacked)."""
        if isinstance(self.notes, _WorkNotes):
            return self.notes.counts(work_id)
        notes = self.notes.get(work_id, [])
        kinds = Counter(n["kind"] for n in notes)
        return (len(notes), sum(1 for n in notes if n.get("review")),
                sum(1 for n in notes if is_open_tie(n)), dict(sorted(kinds.items())))

    def all_notes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(work id, note) for every note, by work id, then offset, then note id."""
        for wid in sorted(self.notes):
            for n in sorted(self.notes[wid], key=lambda n: (n["offset"], n["id"])):
                yield wid, n


class _WorkNotes(Mapping[str, list[dict[str, Any]]]):
    """Each work's notes as its notes.json lists them, made when asked and not kept: the
    notes of 10,000 works as dicts all at once were 0.55 GB."""

    def __init__(self, works: Sequence[Any], collated: Sequence[Any]) -> None:
        self._collated = collated
        self._of = {w.id: k for k, w in enumerate(works)}

    def __getitem__(self, work_id: str) -> list[dict[str, Any]]:
        return list(self._collated[self._of[work_id]].notes_dict()["notes"])

    def counts(self, work_id: str) -> tuple[int, int, int, dict[str, int]]:
        """:meth:`Report.counts` from the results' summaries (equal to counting the notes:
        apparatus.summary_of counts them)."""
        k = self._of.get(work_id)
        if k is None:
            return 0, 0, 0, {}
        c = self._collated.packed(k)
        s = c.summary
        return s["notes"], s["review"], c.ties, dict(s["by_kind"])

    def __iter__(self) -> Iterator[str]:
        return iter(self._of)

    def __len__(self) -> int:
        return len(self._of)


def report_of(result: Any) -> Report:
    """The :class:`Report` of a ``pipeline.Result``."""
    from .output import summary

    return Report(summary(result), _WorkNotes(result.works, result.collated))


# --- open ties ----------------------------------------------------------------------------

_OPEN = re.compile(r"\b(?:open|unresolved|unbroken)\s+tie\b"
                   r"|\btie\b[^.;]*?\b(?:is|remains|left|stays)\s+open\b", re.IGNORECASE)
_SETTLED = re.compile(r"\bno\s+tie\b|\btie\b[^.;]*?\b(?:broken|resolved|settled)\b",
                      re.IGNORECASE)


def carried_counts(note: Mapping[str, Any]) -> list[int]:
    """Witnesses per reading, for the readings at least one witness carries."""
    return [len(r["witnesses"]) for r in note["readings"] if r["witnesses"]]


def is_open_tie(note: Mapping[str, Any]) -> bool:
    """Whether a note's readings are in an open tie: the evidence does not pick one.

    The one place this is decided (``--fail-on ties``). In order:

    1. the ``reason`` says the tie is open (``open tie``, ``unresolved tie``, ``the tie is /
       remains open``): an open tie;
    2. the ``reason`` says the tie was broken, resolved or settled, or that there is ``no
       tie``: not one;
    3. otherwise by the numbers: ``confidence`` at most 0.5 and exactly two readings carried
       by witnesses, by equally many each (one against one, two against two).

    A tie the reason settles by a rule ("tie (料 / 护): the digest words it differently; the
    full text's reading is kept", confidence 0.65) is not open. Refine it here as the choice
    of readings (``choice.py``) says more about ties.
    """
    return open_tie(str(note.get("reason") or ""), note.get("confidence"),
                    lambda: carried_counts(note))


def open_tie(reason: str, confidence: float | None, counts: Callable[[], list[int]]) -> bool:
    """:func:`is_open_tie` from a note's reason, confidence and witnesses per carried
    reading (asked only when the numbers decide): for the notes as objects, where they
    are made, without writing each out as a dict."""
    if _OPEN.search(reason):
        return True
    if _SETTLED.search(reason):
        return False
    if confidence is None or confidence > 0.5:
        return False
    got = counts()
    return len(got) == 2 and got[0] == got[1]


# --- baselines ----------------------------------------------------------------------------


def note_record(work_id: str, note: Mapping[str, Any]) -> dict[str, Any]:
    """What a baseline keeps of a note: its identity and what it says, no line numbers (an
    edit earlier in a witness moves those without changing the note)."""
    return {
        "work": work_id,
        "id": note["id"],
        "kind": note["kind"],
        "offset": note["offset"],
        "chosen": note["chosen"],
        "readings": [{"text": r["text"], "witnesses": sorted(w["id"] for w in r["witnesses"])}
                     for r in note["readings"]],
        "review": bool(note.get("review", False)),
    }


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two records of one note id say the same: same chosen reading, same readings carried
    by the same witnesses. Offsets may move (text added or cut before the place)."""
    return a["chosen"] == b["chosen"] and a["readings"] == b["readings"]


def make_baseline(report: Report) -> dict[str, Any]:
    return {
        "format": BASELINE_FORMAT,
        "version": BASELINE_VERSION,
        "works": sorted(report.notes),
        "notes": [note_record(wid, n) for wid, n in report.all_notes()],
    }


def dumps_baseline(baseline: Mapping[str, Any]) -> str:
    """JSON with one note per line: stable bytes, readable diffs."""
    def one(x: Any) -> str:
        return json.dumps(x, ensure_ascii=False, separators=(", ", ": "))

    notes = baseline["notes"]
    lines = ["{",
             f'  "format": {one(baseline["format"])},',
             f'  "version": {one(baseline["version"])},',
             f'  "works": {one(baseline["works"])},']
    if notes:
        lines.append('  "notes": [')
        last = len(notes) - 1
        lines.extend(f"    {one(n)}{',' if i < last else ''}" for i, n in enumerate(notes))
        lines.append("  ]")
    else:
        lines.append('  "notes": []')
    lines.append("}")
    return "\n".join(lines) + "\n"


class BaselineError(ValueError):
    """A baseline file that cannot be used (missing, unreadable, not a baseline)."""


def load_baseline(path: Path) -> dict[str, Any]:
    from .schemas import load_json

    try:
        data = load_json(path, "baseline")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(str(exc)) from None
    if isinstance(data, dict) and data.get("format") == BASELINE_FORMAT and \
            data.get("version") == BASELINE_VERSION:
        from .schemas import BASELINE, problem  # jsonschema only when a baseline is read

        got = problem(data, BASELINE)
        if got is not None:
            raise BaselineError(f"{path}: not a baseline: {got}")
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
        raise BaselineError(f"{path}: not a baseline (no \"format\": \"{BASELINE_FORMAT}\"); "
                            "write one with `reconcile baseline FOLDER -o FILE`")
    if data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: baseline version {data.get('version')!r}, this reconcile "
                            f"reads version {BASELINE_VERSION}; write it again")
    notes = data.get("notes")
    if not isinstance(notes, list) or not all(
            isinstance(n, dict) and {"work", "id", "chosen", "readings"} <= set(n) for n in notes):
        raise BaselineError(f"{path}: not a baseline (\"notes\" is not a list of notes)")
    return data


@dataclass(slots=True)
class Diff:
    """A run against a baseline. ``new`` holds new and changed notes (``change`` says which;
    a changed one has ``was``, the baseline's record); ``removed`` the baseline's records of
    notes the run no longer has."""

    new: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return sum(1 for n in self.new if n["change"] == "changed")


def compare(report: Report, baseline: Mapping[str, Any]) -> Diff:
    """What is new or changed in ``report`` since ``baseline``. A note is new when its id is
    not in the baseline (for its work), changed when the baseline has the id with another
    chosen reading or other readings (texts, or the witnesses carrying them)."""
    old = {(n["work"], n["id"]): n for n in baseline["notes"]}
    seen: set[tuple[str, str]] = set()
    diff = Diff()
    for wid, note in report.all_notes():
        rec = note_record(wid, note)
        k = (wid, note["id"])
        seen.add(k)
        was = old.get(k)
        if was is None:
            diff.new.append({"change": "new", "work": wid, **note})
        elif not _same(rec, was):
            diff.new.append({"change": "changed", "work": wid, **note, "was": was})
        else:
            diff.unchanged += 1
    diff.removed = [n for k, n in sorted(old.items()) if k not in seen]
    return diff


# --- policies -----------------------------------------------------------------------------


def _note_ref(wid: str, note: Mapping[str, Any]) -> dict[str, Any]:
    return {"work": wid, "id": note["id"], "offset": note["offset"], "kind": note["kind"],
            "chosen": note["chosen"], "readings": [r["text"] for r in note["readings"]],
            "confidence": note.get("confidence"), "reason": note.get("reason", "")}


def evaluate(report: Report, policies: Sequence[FailOn],
             diff: Diff | None = None) -> dict[FailOn, list[dict[str, Any]]]:
    """The findings of each policy that found something (an empty dict: the run passes).
    ``new`` needs ``diff`` (ValueError without it)."""
    found: dict[FailOn, list[dict[str, Any]]] = {}
    for p in FailOn:
        if p not in policies:
            continue
        if p is FailOn.NEW:
            if diff is None:
                raise ValueError("the policy 'new' needs a baseline")
            items = list(diff.new)
        elif p is FailOn.REVIEW:
            items = [_note_ref(w, n) for w, n in report.all_notes() if n.get("review")]
        elif p is FailOn.TIES:
            items = [_note_ref(w, n) for w, n in report.all_notes() if is_open_tie(n)]
        elif p is FailOn.UNREADABLE:
            items = list(report.summary.get("errors", []))
        else:
            items = list(report.summary.get("duplicates", []))
        if items:
            found[p] = items
    return found


def describe(policy: FailOn, items: Sequence[Mapping[str, Any]]) -> str:
    """One line for a policy that failed the run."""
    n = len(items)
    if policy is FailOn.UNREADABLE:
        names = ", ".join(str(i["file"]) for i in items[:5]) + (", …" if n > 5 else "")
        return f"{count(n, 'file')} could not be read: {names}"
    if policy is FailOn.DUPLICATES:
        return f"{count(n, 'duplicated passage')}"
    works = sorted({str(i["work"]) for i in items})
    named = ", ".join(works[:3]) + (", …" if len(works) > 3 else "")
    where = f" in {count(len(works), 'work')} ({named})"
    if policy is FailOn.NEW:
        changed = sum(1 for i in items if i.get("change") == "changed")
        return (f"{n - changed} new and {changed} changed note{'s' * (n != 1)} "
                f"since the baseline{where}")
    if policy is FailOn.REVIEW:
        return f"{count(n, 'note')} need{'s' * (n == 1)} review{where}"
    return f"{count(n, 'note')} with an open tie{where}"


__all__ = [
    "BASELINE_FORMAT", "BASELINE_VERSION", "BaselineError", "Diff", "FailOn", "POLICY_HELP",
    "Report", "compare", "describe", "dumps_baseline", "evaluate", "is_open_tie",
    "load_baseline", "make_baseline", "note_record", "parse_fail_on", "report_of",
]
