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
from collections.abc import Sequence
from typing import Any

from . import __version__
from .layout import Layout, layout

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Characters XML 1.0 cannot carry: replaced, they are never letters or digits.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_tei(notes_doc: dict[str, Any], canonical: str, title: str, lang: str = "",
               lay: Layout | None = None) -> str:
    """The TEI document of one work from its ``notes.json`` content and canonical text."""
    ET.register_namespace("", TEI_NS)
    lay = lay or layout(notes_doc, canonical)  # (one layout serves every export)
    wits = list(notes_doc["summary"]["witnesses"].items())
    sigil = {wid: f"w{k + 1}" for k, (wid, _) in enumerate(wits)}

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
    _body(div, lay, sigil)
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


def _body(div: ET.Element, lay: Layout, sigil: dict[str, str]) -> None:
    out: _Out | None = None
    para: _Out | None = None
    for ev in lay.walk():
        if ev[0] == "paragraph":
            para = out = _Out(ET.SubElement(div, "p"))
        elif ev[0] == "addition":
            texts: dict[str, list[str]] = {}
            for w, t in ev[1].items():
                texts.setdefault(t, []).append(w)
            app = para.sub("app", {"type": "addition"})
            ET.SubElement(app, "lem")
            for t, ws in sorted(texts.items(), key=lambda kv: min(sigil[w] for w in kv[1])):
                ET.SubElement(app, "rdg", {"wit": _wit(ws, sigil)}).text = _x(t)
        elif ev[0] == "segment":
            _, a, b, readers = ev
            out = para
            if len(readers) < len(sigil):  # some witness lacks it: the text is its lem
                app = para.sub("app", {"type": "omission"})
                lem = ET.SubElement(app, "lem")
                if readers:
                    lem.set("wit", _wit(readers, sigil))
                ET.SubElement(app, "rdg", {"wit": _wit([w for w in sigil if w not in readers],
                                                       sigil)})
                out = _Out(lem)
        elif ev[0] == "text":
            out.text(lay.canonical[ev[1]:ev[2]])
        else:
            _note(out, ev[1], sigil)


def _note(out: _Out, n: dict[str, Any], sigil: dict[str, str]) -> None:
    app = out.sub("app", {"type": n["kind"], f"{{{XML_NS}}}id": n["id"]})
    chosen, *others = n["readings"]
    lem = ET.SubElement(app, "lem")
    if chosen["witnesses"]:
        lem.set("wit", _wit([w["id"] for w in chosen["witnesses"]], sigil))
    lem.text = _x(n["chosen"]) or None
    for r in others:
        if r["witnesses"]:  # (none: each prints it out of the canonical order)
            ET.SubElement(app, "rdg", {"wit": _wit([w["id"] for w in r["witnesses"]], sigil)}
                          ).text = _x(r["text"]) or None
    ET.SubElement(app, "note").text = _x(f"{n['reason']} Confidence {n['confidence']:.2f}" +
                                         ("; needs review." if n.get("review") else "."))


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
