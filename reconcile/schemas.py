"""The two control files a person hands to ``reconcile``, as JSON Schema: the decisions file
(readings pinned by hand) and the baseline (the notes a CI run compares with). A file that
does not fit is refused with one line naming the file, the field and what is wrong with it
(``jsonschema`` finds the field; the README shows both schemas)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

_TEXT = {"type": "string"}

# a pin says where it applies: by note id, or by the text around the place
_WHERE: list[dict[str, Any]] = [
    {"required": ["note"], "properties": {"note": {"minLength": 1}}},
    {"required": ["before"], "properties": {"before": {"minLength": 1}}},
    {"required": ["after"], "properties": {"after": {"minLength": 1}}}]

DECISIONS: dict[str, Any] = {
    "type": "object",
    "required": ["decisions"],
    "properties": {
        "decisions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["reading"],
                "properties": {"reading": _TEXT, "note": _TEXT, "before": _TEXT,
                               "after": _TEXT, "work": _TEXT, "comment": _TEXT},
                "additionalProperties": False,
                "anyOf": _WHERE,
            },
        },
    },
}

BASELINE: dict[str, Any] = {
    "type": "object",
    "required": ["format", "version", "notes"],
    "properties": {
        "format": {"const": "reconcile-baseline"},
        "version": {"type": "integer"},
        "works": {"type": "array", "items": _TEXT},
        "notes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["work", "id", "chosen", "readings"],
                "properties": {
                    "work": _TEXT, "id": _TEXT, "kind": _TEXT, "chosen": _TEXT,
                    "offset": {"type": "integer"}, "review": {"type": "boolean"},
                    "readings": {"type": "array", "items": {
                        "type": "object", "required": ["text", "witnesses"],
                        "properties": {"text": _TEXT,
                                       "witnesses": {"type": "array", "items": _TEXT}}}},
                },
            },
        },
    },
}


def load_json(path: str | Path, what: str) -> Any:
    """The JSON in file ``path``; ``ValueError("<path>: not a <what> (<why>)")`` when it is
    not UTF-8, not JSON or nested too deeply (an ``OSError`` when it cannot be read)."""
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a {what} (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a {what} (invalid JSON: {exc.msg}, line "
                         f"{exc.lineno})") from None
    except RecursionError:
        raise ValueError(f"{path}: not a {what} (nested too deeply)") from None


def problem(data: Any, schema: dict[str, Any]) -> str | None:
    """What is wrong with ``data``, in one line naming the field; None when it fits."""
    error = best_match(Draft202012Validator(schema).iter_errors(data))
    if error is None:
        return None
    where = error.json_path if error.json_path != "$" else "the file"
    what = error.message
    if error.validator == "anyOf" and error.validator_value is _WHERE:
        what = "a decision needs 'note' or 'before'/'after' to say where it applies"
    elif error.validator == "additionalProperties":
        what = error.message.replace("Additional properties are", "unknown field").replace(
            "Additional properties is", "unknown field")
    if len(what) > 160:
        what = what[:157] + "…"
    return f"{where}: {what}"


def check(path: Path | str, data: Any, schema: dict[str, Any], what: str) -> None:
    """Raise ``ValueError`` naming the file and the field when ``data`` does not fit."""
    got = problem(data, schema)
    if got is not None:
        raise ValueError(f"{path}: not a {what}: {got}")


__all__ = ["BASELINE", "DECISIONS", "check", "problem"]
