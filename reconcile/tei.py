"""TEI P5 export of a work (``works/<id>/tei.xml``), and a witness's text read back from it.

The apparatus is encoded in *parallel segmentation* (TEI P5 12.2.3): the canonical text is
the body, and where the witnesses differ an ``app`` holds the chosen reading as ``lem`` and
every other as ``rdg``, each with ``@wit`` naming the witnesses that print it. ``@type`` is
the kind of difference (substitution, omission, …), and a ``note`` gives the reason and the
confidence. Omissions and additions are apps with an empty ``rdg`` or ``lem``.

Everything is built from what ``notes.json`` holds (the canonical text, the notes, each
witness's stretches and additions), so the TEI says no more and no less than the notes: a
witness read back from it (:func:`witness_text`) gives the witness's letters and digits in
its own order. A stretch a witness prints out of the canonical order (a digest that moves a
section) is encoded as an addition where the witness prints it, and as an omission where
the canonical text has it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import __version__

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Characters XML 1.0 cannot carry: replaced, they are never letters or digits.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class _Placed:
    """What a witness prints, anchored on the canonical text: an in-order stretch
    ``[start, end)``, or text of its own (``text``) standing at ``start``."""

    start: int
    end: int
    text: str | None = None


def _in_order(covers: Sequence[tuple[int, int]]) -> set[int]:
    """Indices of the stretches (in the witness's order) that keep the canonical order: the
    longest run by characters whose spans follow one another."""
    n = len(covers)
    best = [0] * n
    prev = [-1] * n
    for i, (s, e) in enumerate(covers):
        best[i] = e - s
        for j in range(i):
            if covers[j][1] <= s and best[j] + e - s > best[i]:
                best[i], prev[i] = best[j] + e - s, j
    keep: set[int] = set()
    i = max(range(n), key=lambda k: (best[k], -k)) if n else -1
    while i >= 0:
        keep.add(i)
        i = prev[i]
    return keep


def _own_version(canonical: str, s: int, e: int, readings: Sequence[tuple[int, int, str]]) -> str:
    """Canonical ``[s, e)`` as the witness prints it (its readings put in)."""
    out, cur = [], s
    for o, oe, text in sorted(readings):
        if o < cur:
            continue
        out.append(canonical[cur:o])
        out.append(text)
        cur = oe
    out.append(canonical[cur:e])
    return "".join(out)


def _placed(canonical: str, notes: Sequence[dict[str, Any]], info: dict[str, Any], wid: str
            ) -> tuple[list[_Placed], dict[str, bool], set[str]]:
    """What witness ``wid`` prints, in its own order, anchored on the canonical text; for
    each note of no length it reads at an in-order stretch, whether its reading stands at
    the end of the stretch before the place (not at the head of the one after); and the
    notes whose reading it prints only in a stretch out of the canonical order."""
    order = {f: i for i, f in enumerate(info.get("files", [wid]))}
    pieces: list[tuple[tuple[int, int, int], int, Any]] = []
    for off, length, f, line, col in info["covers"]:
        pieces.append(((order.get(f, 0), line, col), 0, (off, off + length)))
    for a in info["additions"]:
        pieces.append(((order.get(a.get("file", wid), 0), a["line"], a["column"]), 1, a))
    pieces.sort(key=lambda p: (p[0], p[1]))
    covers = [(p[2], p[0]) for p in pieces if p[1] == 0]
    # a stretch of no length holds only a reading of nothing in the canonical text: it is
    # written as the witness's own text where it prints it
    keep = {k for k in _in_order([c for c, _ in covers]) if covers[k][0][1] > covers[k][0][0]}
    # each reading goes to the stretch that holds its place in the witness, as rebuild does
    mine: list[list[tuple[int, int, str]]] = [[] for _ in covers]
    at_end: dict[str, bool] = {}
    moved: set[str] = set()
    for n in notes:
        o, L = n["offset"], n["length"]
        for r in n["readings"]:
            for w in r["witnesses"]:
                if w["id"] != wid:
                    continue
                pos = (order.get(w.get("file", wid), 0), w["line"], w["column"])
                holders = [k for k, ((s, e), _) in enumerate(covers) if s <= o and o + L <= e]
                if not holders:
                    continue
                before = [k for k in holders if covers[k][1] <= pos]
                k = before[-1] if before else holders[0]
                mine[k].append((o, o + L, r["text"]))
                if k not in keep:
                    moved.add(n["id"])
                elif not L and r["text"]:  # a reading of nothing stands anywhere
                    (s, e), _ = covers[k]
                    at_end[n["id"]] = e == o and s < o
    out: list[_Placed] = []
    anchor, k = 0, 0
    for _, is_add, item in pieces:
        if is_add:
            out.append(_Placed(anchor, anchor, item["text"]))
            continue
        s, e = item
        if k in keep:
            out.append(_Placed(s, e))
            anchor = e
        else:  # printed here, out of the canonical order
            out.append(_Placed(anchor, anchor, _own_version(canonical, s, e, mine[k])))
        k += 1
    return out, at_end, moved


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_tei(notes_doc: dict[str, Any], canonical: str, title: str, lang: str = "") -> str:
    """The TEI document of one work from its ``notes.json`` content and canonical text."""
    ET.register_namespace("", TEI_NS)
    wits = list(notes_doc["summary"]["witnesses"].items())
    sigil = {wid: f"w{k + 1}" for k, (wid, _) in enumerate(wits)}
    notes = [n for n in notes_doc["notes"]]
    placed: dict[str, list[_Placed]] = {}
    at_end: dict[str, list[bool]] = {}
    moved: dict[str, set[str]] = {}  # note -> witnesses that print its reading elsewhere
    for wid, info in wits:
        placed[wid], ends, away = _placed(canonical, notes, info, wid)
        for nid, end in ends.items():
            at_end.setdefault(nid, []).append(end)
        for nid in away:
            moved.setdefault(nid, set()).add(wid)
    if moved:  # a reading printed out of the canonical order is read there, not here
        notes = [{**n, "readings": [{**r, "witnesses": [w for w in r["witnesses"]
                                                       if w["id"] not in moved.get(n["id"], ())]}
                                    for r in n["readings"]]} for n in notes]

    root = ET.Element(f"{{{TEI_NS}}}TEI")
    header = ET.SubElement(root, "teiHeader")
    fdesc = ET.SubElement(header, "fileDesc")
    ET.SubElement(ET.SubElement(fdesc, "titleStmt"), "title").text = _x(title or notes_doc["work"])
    ET.SubElement(ET.SubElement(fdesc, "publicationStmt"), "p").text = \
        f"Reconciled text of work {notes_doc['work']}, made by reconcile {__version__}."
    lw = ET.SubElement(ET.SubElement(fdesc, "sourceDesc"), "listWit")
    for wid, info in wits:
        w = ET.SubElement(lw, "witness", {f"{{{XML_NS}}}id": sigil[wid], "n": _x(wid)})
        files = info.get("files", [wid])
        w.text = _x(f"{wid} ({info['role']}" + (f"; pages: {', '.join(files)}" if len(files) > 1
                                                 else "") + ")")
    enc = ET.SubElement(header, "encodingDesc")
    ET.SubElement(enc, "variantEncoding", {"method": "parallel-segmentation",
                                           "location": "internal"})
    text_el = ET.SubElement(root, "text")
    if lang:
        text_el.set(f"{{{XML_NS}}}lang", lang)
    body = ET.SubElement(text_el, "body")
    div = ET.SubElement(body, "div")
    _body(div, canonical, notes, placed, sigil,
          {nid: 2 * sum(v) > len(v) for nid, v in at_end.items()})
    ET.indent(header)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _wit(ids: Sequence[str], sigil: dict[str, str]) -> str:
    return " ".join(f"#{sigil[w]}" for w in sorted(set(ids), key=lambda w: sigil[w]))


class _Out:
    """Appends text and elements to an element in order (ElementTree keeps text as
    ``.text`` and ``.tail``)."""

    def __init__(self, el: ET.Element) -> None:
        self.el = el

    def text(self, s: str) -> None:
        if not s:
            return
        s = _x(s)
        if len(self.el):
            last = self.el[-1]
            last.tail = (last.tail or "") + s
        else:
            self.el.text = (self.el.text or "") + s

    def sub(self, tag: str, attrib: dict[str, str] | None = None) -> ET.Element:
        return ET.SubElement(self.el, tag, attrib or {})


def _body(div: ET.Element, canonical: str, notes: Sequence[dict[str, Any]],
          placed: dict[str, list[_Placed]], sigil: dict[str, str],
          at_end: dict[str, bool]) -> None:
    wids = list(sigil)
    spans = sorted((n["offset"], n["offset"] + n["length"]) for n in notes if n["length"])

    def snap(p: int) -> int:
        # a boundary inside a note's span moves to its end: a note is read whole
        k = bisect_right(spans, (p, 1 << 62)) - 1
        while k >= 0 and spans[k][1] > p:
            if spans[k][0] < p:
                return spans[k][1]
            k -= 1
        return p

    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", canonical)]
    if not paras:
        paras = [(0, 0)]
    cuts = {x for s, e in paras for x in (s, e)}
    covered: dict[str, list[tuple[int, int]]] = {}
    adds: dict[int, dict[str, str]] = {}  # anchor -> witness -> its own text there
    for w in wids:
        covered[w] = []
        for p in placed[w]:
            if p.text is None:
                s, e = snap(p.start), snap(p.end)
                covered[w].append((s, e))
                cuts.update((s, e))
            else:
                at = adds.setdefault(snap(p.start), {})
                at[w] = at.get(w, "") + p.text
    bounds = sorted(cuts)
    by_start = sorted(notes, key=lambda n: (n["offset"], n["length"]))

    def covers(w: str, a: int, b: int) -> bool:
        return any(s <= a and b <= e for s, e in covered[w])

    def additions(out: _Out, upto: float) -> None:
        """The additions anchored at or before ``upto`` not yet written."""
        for at in sorted(k for k in adds if k <= upto):
            texts: dict[str, list[str]] = {}
            for w, t in adds.pop(at).items():
                texts.setdefault(t, []).append(w)
            app = out.sub("app", {"type": "addition"})
            ET.SubElement(app, "lem")
            for t, ws in sorted(texts.items(), key=lambda kv: min(sigil[w] for w in kv[1])):
                ET.SubElement(app, "rdg", {"wit": _wit(ws, sigil)}).text = _x(t)

    def noted(out: _Out, a: int, b: int, upto: int) -> None:
        """Canonical [a, b) with the notes inside it as apps; notes of no length up to
        ``upto`` (past the paragraph's end, before the next one) at the end."""
        cur = a
        for n in by_start:
            o, e = n["offset"], n["offset"] + n["length"]
            if o < cur or (e > b and not (o == e and b < upto and o < upto)):
                continue
            # a note of no length at a boundary goes with the stretch its readings are in
            if o == e and ((o == a and a and at_end.get(n["id"], False)) or
                           (o == b and b == upto and not at_end.get(n["id"], False))):
                continue
            if o > b:  # in the gap between two paragraphs: at the first one's end
                o = e = b
            out.text(canonical[cur:o])
            app = out.sub("app", {"type": n["kind"], f"{{{XML_NS}}}id": n["id"]})
            chosen, *others = n["readings"]
            lem = ET.SubElement(app, "lem")
            if chosen["witnesses"]:
                lem.set("wit", _wit([w["id"] for w in chosen["witnesses"]], sigil))
            lem.text = _x(n["chosen"]) or None
            for r in others:
                if r["witnesses"]:  # (none: each prints it out of the canonical order)
                    ET.SubElement(app, "rdg", {"wit": _wit([w["id"] for w in r["witnesses"]],
                                                           sigil)}).text = _x(r["text"]) or None
            ET.SubElement(app, "note").text = _x(
                f"{n['reason']} Confidence {n['confidence']:.2f}"
                + ("; needs review." if n.get("review") else "."))
            cur = e
        out.text(canonical[cur:b])

    for pk, (ps, pe) in enumerate(paras):
        p = _Out(ET.SubElement(div, "p"))
        last_para = pk == len(paras) - 1
        segs = [(max(x, ps), min(y, pe)) for x, y in zip(bounds, bounds[1:]) if x < pe and y > ps]
        nxt = paras[pk + 1][0] if not last_para else len(canonical) + 1
        for k, (a, b) in enumerate(segs):
            additions(p, a)
            upto = nxt if k == len(segs) - 1 else b
            readers = [w for w in wids if covers(w, a, b)]
            if len(readers) == len(wids):
                noted(p, a, b, upto)
                continue
            app = p.sub("app", {"type": "omission"})
            lem = ET.SubElement(app, "lem")
            if readers:
                lem.set("wit", _wit(readers, sigil))
            noted(_Out(lem), a, b, upto)
            ET.SubElement(app, "rdg", {"wit": _wit([w for w in wids if w not in readers], sigil)})
        # what stands after the paragraph's text, before the next one's
        additions(p, float("inf") if last_para else paras[pk + 1][0] - 1)


def witness_text(tei: str, witness: str) -> str:
    """The text witness ``witness`` (its id, as listed in ``listWit``: the ``@n``) prints,
    read from a TEI document made by :func:`render_tei`: in every ``app`` the ``lem`` or
    ``rdg`` whose ``@wit`` names it (the ``lem`` where none does); paragraphs apart."""
    root = ET.fromstring(tei)
    ns = {"t": TEI_NS}
    sig = None
    for w in root.iterfind(".//t:listWit/t:witness", ns):
        if w.get("n") == witness:
            sig = "#" + w.get(f"{{{XML_NS}}}id")
    if sig is None:
        raise KeyError(witness)

    def read(el: ET.Element) -> str:
        out = [el.text or ""]
        for child in el:
            tag = child.tag.rpartition("}")[2]
            if tag == "app":
                options = [c for c in child if c.tag.rpartition("}")[2] in ("lem", "rdg")]
                mine = [c for c in options if sig in (c.get("wit") or "").split()]
                lem = [c for c in options if c.tag.endswith("lem")]
                pick = mine[0] if mine else (lem[0] if lem else None)
                if pick is not None:
                    out.append(read(pick))
            elif tag not in ("note",):
                out.append(read(child))
            out.append(child.tail or "")
        return "".join(out)

    return "\n\n".join(read(p) for p in root.iterfind(".//t:body//t:p", ns))


__all__ = ["render_tei", "witness_text"]
