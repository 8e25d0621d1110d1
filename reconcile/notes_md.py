"""``notes.md``: the apparatus as a person reads it, notes needing review first."""

from __future__ import annotations

from .work import WorkResult


def _md(text: str) -> str:
    """A reading as Markdown inline text: visible even when empty or only spaces."""
    if not text.strip():
        return "∅" if not text else "␣" * len(text)
    return text.replace("\n\n", " ¶ ").replace("\\", "\\\\").replace("*", "\\*") \
        .replace("_", "\\_").replace("`", "\\`").replace("|", "\\|")


def render_notes(c: WorkResult, base_id: str) -> str:
    s = c.summary
    lines = [f"# {c.work.title}: apparatus", ""]
    lines.append(f"Work `{c.work.id}`, copy-text `{base_id}`. {s['notes']} notes, "
                 f"{s['review']} needing review; {s['punctuation']} punctuation-only "
                 "differences counted, not listed. Offsets count characters of canonical.txt; "
                 "places are file line:column.")
    lines += ["", "| witness | role | coverage | stretches printed | omitted | additions |",
              "|---|---|---|---|---|---|"]
    cov = {r.id: r.coverage for r in c.work.witnesses}
    for wid, info in s["witnesses"].items():
        lines.append(f"| `{wid}` | {info['role']} | {cov.get(wid, 0):.0%} | {len(info['covers'])} | "
                     f"{sum(n for _, n in info['omitted'])} chars in {len(info['omitted'])} | "
                     f"{len(info['additions'])} |")
    if s["by_kind"]:
        lines += ["", "By kind: " + ", ".join(f"{k} {n}" for k, n in s["by_kind"].items()) + "."]
    ordered = sorted(c.notes, key=lambda n: (not n.review, n.offset))
    for title, group in (("Needing review", [n for n in ordered if n.review]),
                         ("Other notes", [n for n in ordered if not n.review])):
        if not group:
            continue
        lines += ["", f"## {title}", ""]
        for n in group:
            ctx = f"…{_md(n.before)}**[{_md(n.chosen)}]**{_md(n.after)}…"
            lines.append(f"### `{n.id}` {n.kind}, offset {n.offset}")
            lines += ["", ctx, ""]
            for r in n.readings:
                where = ", ".join(f"`{w.file}` {w.line}:{w.column}" for w in r.witnesses) \
                    or "no witness"
                mark = " (chosen)" if r.text == n.chosen else ""
                lines.append(f"- {_md(r.text)}{mark}: {where}")
            lines += ["", f"{n.reason} Confidence: {n.confidence:.2f}.", ""]
    return "\n".join(lines).rstrip() + "\n"
