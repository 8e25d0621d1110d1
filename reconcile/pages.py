"""Editions printed over several page files: which pages are one printing, in what order,
and which pages are missing.

Evidence that holds in any paper or book, strongest first:

- **continuation markers** ("下转第3版", "上接第2版", "Continued on page 3"): a page that says
  it goes on on page N, and a page that is page N or says it comes from the first;
- **page numbers**: printed on the page (its 版次 line, "Page 3", a number at its head),
  or in the file name, in a field that says so (``p3``, ``page3``, ``第3版``: a scanner's
  hash beside it does not matter) or as the only difference between two names;
- **a sentence cut at the page's foot** and a page that starts in the middle of one;
- **other witnesses**: a digest or another printing that prints passages of two pages puts
  them in one work, and the order in which it prints them orders the pages.

Two pages that share no text and are linked by nothing stay apart. Page files of one
printing share no text (a repeated paragraph aside); files that print the same passages
are different printings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import PurePosixPath

from .clean import ends_paragraph
from .records import Kind, Witness, by_fields

# --- one file ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What a page file says about its place in a printing."""

    printed: str  # the page label it prints ('' unknown)
    to: tuple[str, ...]  # labels of the pages it says it continues on
    frm: tuple[str, ...]  # labels of the pages it says it continues from
    starts_mid: bool  # its text starts in the middle of a sentence
    ends_mid: bool  # its text stops in the middle of a sentence
    starts_new: bool = False  # its text plainly starts a sentence (a capital letter)
    printing: str = ""  # the printing the file that holds it names (an archive's series)


def label(text: str) -> str:
    """A page label in one form: "03" -> "3", "a3" -> "A3"."""
    m = re.fullmatch(r"\s*([A-Za-z]?)\s*0*(\d{1,4})\s*", text or "")
    if not m:
        return ""
    return f"{m.group(1).upper()}{int(m.group(2))}"


_NUMBER = re.compile(r"([A-Z]?)(\d+)")


@lru_cache(maxsize=1 << 16)  # a folder has few labels, each asked about many times
def _number(lbl: str) -> tuple[str, int] | None:
    m = _NUMBER.fullmatch(lbl)
    return (m.group(1), int(m.group(2))) if m else None


def follows(a: str, b: str) -> bool:
    """Page ``b`` is the page after page ``a``."""
    na, nb = _number(a), _number(b)
    return bool(na and nb and na[0] == nb[0] and nb[1] == na[1] + 1)


def outer_markers(w: Witness) -> list:
    """The continuation markers of a file that point out of it: a "to N" that the same
    file follows with a "from M" is a jump inside the file (it prints both pages)."""
    markers = [r for r in w.removals if r.kind == "page-marker"]
    inner: set[int] = set()
    for i, r in enumerate(markers):
        if r.detail.startswith("to") and i + 1 < len(markers) and \
                markers[i + 1].detail.startswith("from"):
            inner.update((i, i + 1))
    return [r for i, r in enumerate(markers) if i not in inner]


def points_inside(direction: str, k: int, n_pages: int) -> bool:
    """Whether a marker on page ``k`` of a printing of ``n_pages`` ("from" or "to") names
    a neighbouring page the printing holds."""
    return (direction == "from" and k > 0) or (direction == "to" and k + 1 < n_pages)


def facts(w: Witness) -> PageFacts:
    printed = label(w.source.page)  # an archive's record says its page
    to: list[str] = []
    frm: list[str] = []
    for r in w.removals:
        if r.kind == "page-number" and r.detail and not printed:
            printed = label(r.detail)
    for r in outer_markers(w):
        direction, _, page = r.detail.partition(" ")
        lb = label(page)
        if lb:
            (to if direction == "to" else frm).append(lb)
    body = [p for p in w.paragraphs if p.kind is Kind.BODY]
    starts_mid = ends_mid = starts_new = False
    if body:
        first = w.text[body[0].start:body[0].end]
        starts_mid = bool(first) and (first[0].islower() or first[0] in ",;:，；：、)）")
        starts_new = bool(first) and first[0].isupper()
        last = w.text[body[-1].start:body[-1].end]
        ends_mid = body[-1] is w.paragraphs[-1] and not ends_paragraph(last)
    return PageFacts(printed, tuple(dict.fromkeys(to)), tuple(dict.fromkeys(frm)),
                     starts_mid, ends_mid, starts_new, w.source.printing)


@dataclass(frozen=True, slots=True)
class NamePage:
    """A page number read from a file name: the name with the number taken out
    (``template``), the number, and whether a field says it is a page (``p3``) rather than
    being the only number in the name."""

    template: str
    label: str
    explicit: bool
    exact: bool = True  # the rest of the name is the same in the series (no hash left out)
    section: str = ""  # the section letter the file's own markers use, where the name has none

    @property
    def page(self) -> str:
        """The page as a marker elsewhere would name it: "5" in a file whose markers name
        A4 and A6 is page A5 (names often drop the section letter papers number by)."""
        return self.section + self.label if self.section and self.label.isdigit() else self.label


_EXPLICIT = (
    re.compile(r"(?i)^(?:p|pg|pp|page|pag|s|seite)\.?0*(\d{1,4})$"),
    re.compile(r"^第?0*(\d{1,3})[版页頁]$"),
    re.compile(r"^([A-Za-z]\d{1,2})版$"),
)
# a word that says the number after it is a page: "scan p.3", "report page 12"
_PAGE_WORD = re.compile(r"(?i)^(?:p|pg|pp|page|pag|seite)$")
_HASH = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[0-9A-Za-z]{6,}$")


def name_page(file_id: str) -> NamePage | None:
    path = PurePosixPath(file_id)
    stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
    folder = str(path.parent)
    parts = re.split(r"([_\-\s.()（）\[\]【】]+)", stem)
    explicit = [(i, m.group(1)) for i, f in enumerate(parts) for rx in _EXPLICIT
                for m in [rx.match(f)] if m]
    explicit += [(i + 2, parts[i + 2]) for i in range(len(parts) - 2)
                 if _PAGE_WORD.match(parts[i]) and parts[i + 2].isdigit() and len(parts[i + 2]) <= 4]
    if len(explicit) == 1:
        i, num = explicit[0]
        tpl = ["#" if k == i else ("*" if _HASH.match(f) and not f.isdigit() else f)
               for k, f in enumerate(parts)]
        return NamePage(folder + "/" + "".join(tpl), label(num), True, "*" not in tpl)
    numeric = [i for i, f in enumerate(parts) if f.isdigit() and len(f) <= 4]
    if numeric:
        i = numeric[-1]
        tpl = ["#" if k == i else f for k, f in enumerate(parts)]
        return NamePage(folder + "/" + "".join(tpl), label(parts[i]), False)
    return None


def in_section(n: NamePage | None, f: PageFacts) -> NamePage | None:
    """The name's page with the one section letter the file's own markers use, if any."""
    if n is None or not n.label.isdigit():
        return n
    letters = {m[0] for x in f.to + f.frm if (m := _number(x))}
    if len(letters) == 1 and (letter := letters.pop()):
        return replace(n, section=letter)
    return n


# --- links between files ----------------------------------------------------------------------

# Weights of each kind of evidence that page b follows page a in one printing.
MARKER, NAME, NAME_WEAK, PRINTED, MIDSENTENCE, DIRECTION = 3, 2, 1, 2, 1, 1
# Two full files of one work that print different parts: pages of one printing unless
# something speaks against it (it makes up the evidence a printing's pages need, PAGES).
SAME_WORK, PAGES = 2, 2
#: Files that share this share of either's text print the same part: not two pages.
MAX_OVERLAP = 0.2
# A link strong enough to put two files that share no text in one work.
STRONG = 4
# Another file that prints the text at one page's foot and then the text at the other's
# head; or one that goes on from the foot with something else (weaker: the two may still
# be pages of one printing with a page lost between them).
JUNCTION, JUNCTION_AGAINST = 3, 1


def _junction_weight(said: int) -> int:
    return JUNCTION if said > 0 else -JUNCTION_AGAINST if said < 0 else 0


def link_score(fa: PageFacts, fb: PageFacts, na: NamePage | None, nb: NamePage | None
               ) -> tuple[int, list[str]]:
    """Evidence that page ``b`` comes right after page ``a`` in one printing."""
    if fa.printing and fb.printing:
        # the archive says which printing each page is of
        same = fa.printing == fb.printing
        return (STRONG if same else -2 * STRONG), (["the archive's series"] if same else [])
    la = fa.printed or (na.page if na else "")
    lb = fb.printed or (nb.page if nb else "")
    score, kinds, lost = 0, [], False
    forward, back = bool(lb and lb in fa.to), bool(la and la in fb.frm)
    if forward or back:
        # each page naming the other is two pieces of evidence, not one
        score += MARKER * (forward + back)
        kinds.append("markers")
    elif any(follows(f, t) for f in fb.frm for t in fa.to):
        # a goes on to page N and b comes from page N-1: the two markers agree
        score += MARKER + DIRECTION
        kinds.append("markers")
    elif any(_between(la, x, lb) for x in set(fa.to) & set(fb.frm)):
        # both name the page between them, which neither is (a page lost)
        score += MARKER
        kinds.append("markers")
        lost = True
    elif fa.to and fb.frm:
        score += DIRECTION
        kinds.append("markers")
    if na and nb and na.template == nb.template and follows(na.label, nb.label):
        # a name that differs only in its page number names the series; one whose
        # scanner's hash differs too says the page, not the printing
        score += NAME if na.explicit and nb.explicit and na.exact and nb.exact else NAME_WEAK
        kinds.append("names" if na.exact and nb.exact else "page numbers in names")
    if fa.printed and fb.printed and follows(fa.printed, fb.printed):
        score += PRINTED
        kinds.append("page numbers")
    if lost:
        pass  # the page their markers name is the lost one between them
    elif _names_another(fa.to, lb) or _names_another(fb.frm, la):
        # a marker says the neighbour is another page: a sentence cut at a's foot goes on
        # there, not at b's head
        score -= DIRECTION
    elif fa.ends_mid and fb.starts_mid:
        score += MIDSENTENCE
        kinds.append("a sentence cut at the page's foot")
    elif fa.ends_mid and fb.starts_new:
        score -= MIDSENTENCE  # the sentence cut at a's foot does not go on at b's head
    if na and nb and na.explicit and nb.explicit and na.exact and nb.exact and \
            na.template != nb.template:
        score -= NAME  # two series of names: two printings (or two readings of one)
    return score, kinds


def _between(a: str, x: str, b: str) -> bool:
    """Page ``x`` lies after page ``a`` and before page ``b`` (one numbering)."""
    na, nx, nb = _number(a) if a else None, _number(x), _number(b) if b else None
    return bool(na and nx and nb and na[0] == nx[0] == nb[0] and na[1] < nx[1] < nb[1])


def _names_another(markers: Sequence[str], lbl: str) -> bool:
    """Whether the markers name pages and none of them is the page labelled ``lbl``
    (compared by number: "A4" and "4" may be one page in two numberings)."""
    n = _number(lbl) if lbl else None
    if not markers or n is None:
        return False
    return all((m := _number(x)) is not None and m[1] != n[1] for x in markers)


@dataclass(frozen=True, slots=True)
class Link:
    """Evidence that page file ``b`` follows page file ``a`` in one printing. ``sole``: the
    markers or numbers behind it point nowhere else (in a folder of many works, many pages
    are "page 3"). ``unrivalled``: no other link out of ``a`` or into ``b`` scores as
    high."""

    a: int
    b: int
    score: int
    kinds: tuple[str, ...]
    sole: bool
    unrivalled: bool = False

    def joins(self, least: int = STRONG, unique: bool = True) -> bool:
        """Whether it is evidence of at least ``least`` of a kind that can join files that
        share no text (``unique``: a link by markers or printed numbers only when sole)."""
        if self.score < least or not set(self.kinds) & {"markers", "names", "page numbers"}:
            return False
        return not unique or "names" in self.kinds or self.sole


#: A page label more files carry than this is a crowd (page 3 of many articles in one
#: folder). A marker naming it is no sole or unrivalled evidence of any one of them (one
#: page among many "page 3"s that scores best is chance, and finding it means scoring every
#: pair: a folder's candidates would grow with the square of its works), so its pairs are
#: scored only with the files a third file shares text with, which can still join them.
CROWD = 64


def page_links(facts_: Sequence[PageFacts], names: Sequence[NamePage | None],
               near: Callable[[int], Collection[int]] | None = None) -> list[Link]:
    """Every pair of files where one may follow the other, scored: found through file names
    and page labels, never by trying every pair. With ``near(i)`` (the files a third file's
    text could tie to ``i``, see ``group._near``) a crowded label's pairs are only those,
    and the others stand as rivals; without it, every pair is scored."""
    labels = [sorted({f.printed, names[i].page if names[i] else ""} - {""})
              for i, f in enumerate(facts_)]
    by_label: dict[str, list[int]] = {}
    by_from: dict[str, list[int]] = {}
    for i, f in enumerate(facts_):
        for lb in labels[i]:
            by_label.setdefault(lb, []).append(i)
        for lb in f.frm:
            by_from.setdefault(lb, []).append(i)
    cands: set[tuple[int, int]] = set()
    for members in _by_template(names).values():
        at: dict[str, list[int]] = {}
        for j in members:
            at.setdefault(names[j].label, []).append(j)
        for i in members:
            num = _number(names[i].label)
            if num:
                cands.update((i, j) for j in at.get(f"{num[0]}{num[1] + 1}", ()))
    # a crowd's pairs that are not scored stand as rivals: of the file that named the
    # crowd, and of each file in it
    rivals_out: dict[int, int] = {}
    rivals_in: dict[int, int] = {}
    crowd_hits: dict[tuple[bool, str, bool], int] = {}
    members: dict[tuple[bool, str], frozenset[int]] = {}  # a crowd's files, as a set
    for x, f in enumerate(facts_):
        # (the index, its key, whether x is the page before, whether a crowd there rivals
        # x's other links: a pair there scores a marker's worth)
        wanted = [(by_label, lb, False, True) for lb in f.frm]
        for lb in f.to:
            wanted.append((by_label, lb, True, True))
            prev = _number(lb)
            if prev and prev[1] > 0:
                wanted.append((by_from, f"{prev[0]}{prev[1] - 1}", True, True))
            # a goes on to page N, b comes from N: the page between them is lost. Most of
            # a crowd here is no such pair (a direction's worth, less than a marker's), so
            # it rivals nothing
            wanted.append((by_from, lb, True, False))
        for index, lb, forward, rivals in wanted:
            others = index.get(lb, ())
            crowded = near is not None and len(others) > CROWD
            if not crowded:
                cands.update(((x, j) if forward else (j, x)) for j in others if j != x)
                continue
            # the crowd's files a third file ties to x, from whichever side is smaller
            close = near(x)
            if len(close) < len(others):
                crowd = members.get((index is by_label, lb))
                if crowd is None:
                    crowd = members[index is by_label, lb] = frozenset(others)
                tied = [j for j in close if j in crowd]
            else:
                tied = [j for j in others if j in close]
            cands.update(((x, j) if forward else (j, x)) for j in tied if j != x)
            if rivals:
                side = rivals_out if forward else rivals_in
                side[x] = side.get(x, 0) + len(others)
                k = (index is by_label, lb, forward)
                crowd_hits[k] = crowd_hits.get(k, 0) + 1
    for (is_label, lb, forward), hits in crowd_hits.items():
        side = rivals_in if forward else rivals_out
        for j in (by_label if is_label else by_from)[lb]:
            side[j] = side.get(j, 0) + hits
    scored = {(a, b): link_score(facts_[a], facts_[b], names[a], names[b])
              for a, b in sorted(cands)}
    # sole: no other file is named as the page's next, nor names the other as its next
    # (a mere "goes on somewhere" beside it does not count)
    outgoing: dict[int, int] = dict(rivals_out)
    incoming: dict[int, int] = dict(rivals_in)
    out_scores: dict[int, list[int]] = {}
    in_scores: dict[int, list[int]] = {}
    for (a, b), (score, _) in scored.items():
        out_scores.setdefault(a, []).append(score)
        in_scores.setdefault(b, []).append(score)
        if score >= MARKER:
            outgoing[a] = outgoing.get(a, 0) + 1
            incoming[b] = incoming.get(b, 0) + 1

    # each file's best score out and in, and how many links have it
    best_out = {a: _best(v) for a, v in out_scores.items()}
    best_in = {b: _best(v) for b, v in in_scores.items()}

    def unrivalled(a: int, b: int, score: int) -> bool:
        return not rivals_out.get(a) and not rivals_in.get(b) and \
            best_out[a] == (score, 1) and best_in[b] == (score, 1)
    return [Link(a, b, score, tuple(kinds),
                 outgoing.get(a, 0) <= 1 and incoming.get(b, 0) <= 1, unrivalled(a, b, score))
            for (a, b), (score, kinds) in scored.items()]


def _best(scores: list[int]) -> tuple[int, int]:
    """The best score and how many links have it."""
    top = max(scores)
    return top, scores.count(top)


def _by_template(names: Sequence[NamePage | None]) -> dict[str, list[int]]:
    """The files of each series of exact names that has more than one file."""
    out: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        if n is not None and n.exact:
            out.setdefault(n.template, []).append(i)
    return {k: v for k, v in out.items() if len(v) > 1}


def strong_links(facts_: Sequence[PageFacts], names: Sequence[NamePage | None]
                 ) -> list[tuple[int, int]]:
    """Pairs of files (a, b) where b follows a with evidence strong enough to join them
    even if they share no text."""
    return [(k.a, k.b) for k in page_links(facts_, names) if k.joins()]


# --- printings -----------------------------------------------------------------------------------


@by_fields
@dataclass(frozen=True, slots=True)
class Missing:
    """A page a printing refers to that the folder lacks."""

    page: str
    file: str  # the file that names it
    line: int
    column: int
    side: str  # "before" (the printing comes from it) or "after" (goes on to it)


def partition(printings: Sequence[Sequence[int]], facts_: Sequence[PageFacts],
              names: Sequence[NamePage | None], overlap: Callable[[int, int], float],
              ids: Sequence[str], base: Callable[[int, int], int], least: int,
              max_overlap: float = MAX_OVERLAP,
              junction: Callable[[int, int], int] = lambda a, b: 0) -> list[list[int]]:
    """Join printings (lists of files; one file each to start) into larger ones: files
    that print different parts of the work and are linked by evidence of at least
    ``least``, counting ``base(a, b)`` for what being in one work says of the pair (enough
    for two full printings' pages; a digest may print any part, so a digest file needs
    evidence of its own) and ``junction(a, b)`` for what the other files say of b's text
    going on from a's (+1 it does, -1 something else does, 0 nothing is known)."""
    files = [f for g in printings for f in g]
    group: dict[int, list[int]] = {}
    for g in printings:
        joined = list(g)
        for f in g:
            group[f] = joined
    pairs = []
    same_part: set[tuple[int, int]] = set()  # pairs that print the same part
    for i, a in enumerate(files):
        for b in files[i + 1:]:
            if group[a] is group[b]:
                continue
            one = bool(facts_[a].printing) and facts_[a].printing == facts_[b].printing
            if overlap(a, b) >= max_overlap and not one:  # (the archive's word stands)
                same_part.update(((a, b), (b, a)))
                continue
            s1, _ = link_score(facts_[a], facts_[b], names[a], names[b])
            s2, _ = link_score(facts_[b], facts_[a], names[b], names[a])
            given = base(a, b)
            # the text running on from one's foot to the other's head says which file comes
            # next, not that two files are pages: it weighs only with evidence of that
            score = max(s1 + (_junction_weight(junction(a, b)) if s1 > 0 or given else 0),
                        s2 + (_junction_weight(junction(b, a)) if s2 > 0 or given else 0)) + given
            if score >= least:
                pairs.append((-score, ids[a], ids[b], a, b))
    pairs.sort()
    for _, _, _, a, b in pairs:
        ga, gb = group[a], group[b]
        if ga is gb:
            continue
        if any((x, y) in same_part for x in ga for y in gb):
            continue
        merged = ga + gb
        got = [lb for lb in labels_of(merged, facts_, names).values() if lb]
        if len(got) != len(set(got)):
            continue  # two pages with one number: two printings
        for x in merged:
            group[x] = merged
    out: list[list[int]] = []
    seen: set[int] = set()
    for f in files:
        g = group[f]
        if id(g) not in seen:
            seen.add(id(g))
            out.append(sorted(g, key=lambda x: ids[x]))
    return out


def _label(f: PageFacts, n: NamePage | None) -> str:
    return f.printed or (n.page if n and n.explicit else "")


def labels_of(files: Sequence[int], facts_: Sequence[PageFacts],
              names: Sequence[NamePage | None]) -> dict[int, str]:
    """Page labels of a printing's files, in one numbering: the names' when every file's
    name says its page in one series (a scan's file numbers), else the printed ones when
    every file prints one, else whichever each file has."""
    ns = [names[f] for f in files]
    if all(n is not None and n.explicit for n in ns) and len({n.template for n in ns}) == 1:
        return {f: names[f].label for f in files}  # a series, or pages named as pages
    if all(facts_[f].printed for f in files):
        return {f: facts_[f].printed for f in files}
    return {f: _label(facts_[f], names[f]) for f in files}


#: What orders all of a printing's pages by itself (markers may order only some pairs).
SELF_EVIDENT = ("", "page numbers", "page numbers in the file names")


def order(members: Sequence[int], facts_: Sequence[PageFacts],
          names: Sequence[NamePage | None], ids: Sequence[str],
          witness_votes: Callable[[int, int], int]) -> tuple[list[int], str]:
    """The page order of one printing and what decided it. ``witness_votes(a, b)``: how
    many other witnesses print a passage of ``a`` before one of ``b``, less the converse."""
    if len(members) < 2:
        return list(members), ""
    labels = labels_of(members, facts_, names)
    nums = {m: _number(labels[m]) if labels[m] else None for m in members}
    # numbers order the pages by themselves only in one numbering ("A6" and "13" do not)
    if all(nums[m] is not None for m in members) and \
            len({nums[m] for m in members}) == len(members) and \
            len({nums[m][0] for m in members}) == 1:
        by_names = all(names[m] is not None and names[m].explicit and labels[m] == names[m].label
                       for m in members)
        return (sorted(members, key=lambda m: (nums[m], ids[m])),
                "page numbers in the file names" if by_names else "page numbers")
    # pairwise preferences: markers that name pages first, then the other witnesses, then
    # markers that only say a page goes on or comes from somewhere, then names
    wins = {m: 0.0 for m in members}
    kinds: set[str] = set()
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            pref, kind = _prefer(a, b, facts_, names, witness_votes)
            if pref > 0:
                wins[a] += 1
            elif pref < 0:
                wins[b] += 1
            if kind:
                kinds.add(kind)
    ranked = sorted(members, key=lambda m: (-wins[m], ids[m]))
    for k in ("markers", "page numbers", "witnesses", "sentences broken across pages",
              "numbers in the file names"):
        if k in kinds:
            return ranked, k
    return ranked, "file names (nothing else decides)"


def _before(fa: PageFacts, fb: PageFacts) -> bool:
    """Whether the markers of two pages put the first before the second by themselves."""
    return bool(set(fa.to) & set(fb.frm)) or \
        any(follows(f, t) for f in fb.frm for t in fa.to) or \
        any(follows(x, y) for x in fa.frm for y in fb.frm) or \
        any(follows(x, y) for x in fa.to for y in fb.to)


def _prefer(a: int, b: int, facts_: Sequence[PageFacts], names: Sequence[NamePage | None],
            witness_votes: Callable[[int, int], int]) -> tuple[int, str]:
    fa, fb = facts_[a], facts_[b]
    la, lb = _label(fa, names[a]), _label(fb, names[b])
    na, nb = _number(la) if la else None, _number(lb) if lb else None
    if na and nb and na[0] == nb[0] and na != nb:
        return (1 if na < nb else -1), "page numbers"
    # a marker naming a page is matched by the page's printed number, or by the only
    # number in its name ("…_06" for "continued on page 6")
    ma = {x for x in (la, names[a].page if names[a] else "") if x}
    mb = {x for x in (lb, names[b].page if names[b] else "") if x}
    if (mb & set(fa.to)) or (ma & set(fb.frm)):
        return 1, "markers"
    if (ma & set(fb.to)) or (mb & set(fa.frm)):
        return -1, "markers"
    # markers that agree: a goes on to page N and b comes from N-1 (or from N, a page
    # lost between), or the two come from (go on to) consecutive pages; markers that say
    # both orders say nothing
    forward, back = _before(fa, fb), _before(fb, fa)
    if forward != back:
        return (1 if forward else -1), "markers"
    v = witness_votes(a, b)
    if v:
        return (1 if v > 0 else -1), "witnesses"
    # a page that only goes on is a first page, one that only comes from a last: weaker
    # than the witnesses' order, for a page may go on without saying so (a paragraph
    # ending at its foot)
    if (fa.to and not fa.frm and fb.frm) or (fb.frm and not fb.to and fa.to):
        return 1, "markers"
    if (fb.to and not fb.frm and fa.frm) or (fa.frm and not fa.to and fb.to):
        return -1, "markers"
    if fa.ends_mid and fb.starts_mid and not (fb.ends_mid and fa.starts_mid):
        return 1, "sentences broken across pages"
    if fb.ends_mid and fa.starts_mid and not (fa.ends_mid and fb.starts_mid):
        return -1, "sentences broken across pages"
    # last, a number the names carry in the same place (not said to be a page)
    xa, xb = names[a], names[b]
    if xa and xb and xa.label != xb.label:
        ka, kb = _number(xa.label), _number(xb.label)
        if ka and kb and ka[0] == kb[0]:
            return (1 if ka < kb else -1), "numbers in the file names"
    return 0, ""


def missing_pages(files: Sequence[int], records_witness: Callable[[int], Witness],
                  facts_: Sequence[PageFacts], names: Sequence[NamePage | None]
                  ) -> tuple[Missing, ...]:
    """Pages the printing's markers name that none of its files is: at its start (it
    comes from them) or its end (it goes on to them)."""
    have = set(labels_of(files, facts_, names).values()) | {facts_[f].printed for f in files}
    have -= {""}
    out: list[Missing] = []
    for k, f in enumerate(files):
        w = records_witness(f)
        for r in outer_markers(w):
            direction, _, page = r.detail.partition(" ")
            lb = label(page)
            if not lb or lb in have:
                continue
            if points_inside(direction, k, len(files)):
                nb = facts_[files[k + 1]].frm if direction == "to" else ()
                if lb not in nb:
                    continue  # the neighbouring page is here, under another number
                # the next page comes from the one this goes on to: that one is lost
                # between them (said once, where the text breaks off)
            line, col = w.source.position(r.start)
            out.append(Missing(lb, w.id, line, col, "before" if direction == "from" else "after"))
    return tuple(dict.fromkeys(out))


__all__ = ["SELF_EVIDENT", "Link", "Missing", "NamePage", "PageFacts", "facts", "follows",
           "in_section", "label", "link_score", "missing_pages", "name_page", "order", "page_links",
           "partition", "points_inside", "strong_links"]
