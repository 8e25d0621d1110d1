"""``notes.md``: the apparatus as a person reads it, notes needing review first."""

from __future__ import annotations

import re

from .work import WorkResult


# The characters Markdown may read as markup inside a line (a reading never starts one); a
# backslash makes each literal. "<" and "&" become entities (no raw HTML, no entity of the
# text's own).
_MARKUP = re.compile(r"([\\`*_\[\]!|~])")
_URL = re.compile(r"(?i)(https?|ftp|www)(?=[:.])")


def _md(text: str) -> str:
    """A reading as Markdown inline text, shown as printed and never as markup: no image,
    link, autolink or HTML a forge would render. Visible even when empty or only spaces."""
    if not text.strip():
        return "∅" if not text else "␣" * len(text)
    text = text.replace("\n\n", " ¶ ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # a bare URL is linked by GitHub's autolinks whatever its escapes: a word joiner after
    # the scheme keeps it text
    text = _URL.sub(lambda m: m.group(1) + "\u2060", text)
    text = _MARKUP.sub(r"\\\1", text)
    # at the head of a list item a reading could open a heading, a list, a quote
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"^([#+\-=])", r"\\\1", text)


def _code(text: str) -> str:
    """A file name or id as a code span whose fence no backtick in it can close."""
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", text)
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_notes(c: WorkResult, base_id: str) -> str:
    s = c.summary
    lines = [f"# {_md(c.work.title)}: apparatus", ""]
    lines.append(f"Work {_code(c.work.id)}, copy-text {_code(base_id)}. {s['notes']} notes, "
                 f"{s['review']} needing review; {s['punctuation']} punctuation-only "
                 "differences counted, not listed. Offsets count characters of canonical.txt; "
                 "places are file line:column.")
    lines += ["", "| witness | role | coverage | stretches printed | omitted | additions |",
              "|---|---|---|---|---|---|"]
    cov = {r.id: r.coverage for r in c.work.witnesses}
    for wid, info in s["witnesses"].items():
        lines.append(f"| {_code(wid).replace('|', chr(92) + '|')} | {info['role']} | {cov.get(wid, 0):.0%} | {len(info['covers'])} | "
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
            lines.append(f"### {_code(n.id)} {n.kind}, offset {n.offset}")
            lines += ["", ctx, ""]
            for r in n.readings:
                where = ", ".join(f"{_code(w.file)} {w.line}:{w.column}" for w in r.witnesses) \
                    or "no witness"
                mark = " (chosen)" if r.text == n.chosen else ""
                lines.append(f"- {_md(r.text)}{mark}: {where}")
            reason = n.reason.rstrip()
            if reason and not reason.endswith((".", "。", "!", "?")):
                reason += "."  # a reason is a sentence: the confidence is the next one
            lines += ["", f"{_md(reason)} Confidence: {n.confidence:.2f}.", ""]
    return "\n".join(lines).rstrip() + "\n"
