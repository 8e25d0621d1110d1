"""The evidence a reading is chosen on, as probabilities.

At a site each candidate reading ``t`` is scored by

    log P(t) = sum over witnesses w of  weight(w) * log P(w's reading | t)
               + plausibility of t in its context

- **Reliability**: ``P(x | t)`` is ``acc(w)`` when ``w`` reads ``t``; otherwise
  ``(1 - acc(w))`` times the *channel*: how likely ``w`` is to misread ``t`` as ``x``.
  ``acc(w)`` is estimated from the witness's agreement with the chosen readings across the
  work (a witness that errs more counts less), and witnesses printed from one page layout
  (a duplicate) share one vote.
- **Channel**: the character edits between ``t`` and ``x``, each as likely as that witness
  was seen to make it at the other sites of the work (an engine that reads ``u`` as ``n``
  three hundred times is believed less when it reads ``n``), backed off to the work's
  edits of all witnesses and to a general visual prior: characters that look alike (the
  four-corner code of a Han character; Unicode's confusables for the rest) are likelier
  misreadings than others. A word of another script inside the text and a repeated
  syllable are single typical failures of OCR and typesetting, whatever their length. A
  digest words things its own way: its differences in wording count for little.
- **Plausibility**: a character n-gram model of the work's own agreed text, the texts of
  related works and a general word list of the language (``wordfreq``), scored over the
  reading with its context; the difference between readings is capped, so that no amount
  of plausibility outvotes several witnesses.

The posterior over the candidates is the note's confidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby

import numpy as np
from rapidfuzz.distance import Levenshtein

from .arrays import ranks, runs
from .config import Config
from .normalize import fold
from .tokens import CJK_CHARS, is_cjk_token

Op = tuple[str, str]  # (from, to): a substitution, or a deletion ('x', '') / insertion ('', 'x')


# --- the visual prior ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _four_corner() -> dict[str, str]:
    try:
        from four_corner_method import FourCornerMethod
    except ImportError:  # pragma: no cover - a declared dependency
        return {}
    return FourCornerMethod().data


@lru_cache(maxsize=1)
def _tr39() -> tuple[dict[str, frozenset[str]], frozenset[Op]]:
    """Unicode's confusables (TR39), folded to lower case: single characters (one side
    ASCII), and one ASCII letter against two ("m" / "rn")."""
    try:
        from confusable_homoglyphs import confusables
    except ImportError:  # pragma: no cover
        return {}, frozenset()
    single: dict[str, set[str]] = {}
    pairs: set[Op] = set()
    for ch, items in confusables.confusables_data.items():
        if len(ch) != 1:
            continue
        a = ch.lower()
        for item in items:
            c = item.get("c", "")
            b = c.lower()
            if len(b) == 1 and b != a and (a.isascii() or b.isascii()):
                single.setdefault(a, set()).add(b)
                single.setdefault(b, set()).add(a)
            elif ch.isascii() and ch.isalpha() and len(c) == 2 and c.isascii() and c.isalpha():
                pairs.update({(a, b), (b, a)})
    return {k: frozenset(v) for k, v in single.items()}, frozenset(pairs)


def _confusables() -> dict[str, frozenset[str]]:
    return _tr39()[0]


def _split_glyphs() -> frozenset[Op]:
    return _tr39()[1]


@lru_cache(maxsize=65536)
def looks_alike(a: str, b: str) -> bool:
    """Whether two characters are easily mistaken for each other in print."""
    if a == b or not a or not b:
        return False
    fc = _four_corner()
    ca, cb = fc.get(a), fc.get(b)
    if ca and cb:
        return sum(x == y for x, y in zip(ca, cb)) >= 4
    return b in _confusables().get(a, ())


@lru_cache(maxsize=1 << 16)
def _alignment(t: str, x: str) -> tuple[tuple[Op, ...], tuple[Op, ...]]:
    """One optimal alignment of ``t`` with ``x``: its character edits, and its runs of edits
    (both are asked of the same pair: the channel learns from each, and judges slips by each)."""
    eo = Levenshtein.editops(t, x)
    ops = tuple((t[op.src_pos] if op.tag != "insert" else "",
                 x[op.dest_pos] if op.tag != "delete" else "") for op in eo)
    runs = []
    for same, group in groupby(eo.as_opcodes(), key=lambda op: op.tag == "equal"):
        if not same:
            g = list(group)
            runs.append((t[g[0].src_start:g[-1].src_end], x[g[0].dest_start:g[-1].dest_end]))
    return ops, tuple(runs)


def edit_ops(t: str, x: str) -> list[Op]:
    """The character edits that turn ``t`` into ``x`` (an optimal alignment)."""
    return list(_alignment(t, x)[0])


def stretches(t: str, x: str) -> list[Op]:
    """The runs of edits that turn ``t`` into ``x``: (what ``t`` has, what ``x`` has)."""
    return list(_alignment(t, x)[1])


def _split_glyph(op: Op) -> bool:
    """One letter against two: a glyph the scanner split or joined (d / cl, m / rn)."""
    return bool(op[0] and op[1]) and sorted((len(op[0]), len(op[1]))) == [1, 2]


#: Zipf frequency (wordfreq) a word needs to count as a word of the language: about once
#: in ten million words. OCR garbage mostly falls below; an archaic spelling may too, and
#: is then voted on letter by letter like a misreading.
_KNOWN_ZIPF = 2.0


@lru_cache(maxsize=65536)
def _zipf(word: str, lang: str) -> float:
    import wordfreq

    return wordfreq.zipf_frequency(word, lang)


@lru_cache(maxsize=1)
def _word_langs() -> frozenset[str]:
    return frozenset(_list_files("best"))


#: The last bucket (centibels) of a word list read for :func:`word_zipf`: Zipf 2.
_ZIPF_BUCKETS = 700


@lru_cache(maxsize=1 << 16)
def word_zipf(text: str, lang: str) -> float:
    """Zipf frequency of ``text`` as one entry of the language's word list (no tokenising:
    for Chinese, a word of two characters as written); 0 where the list lacks it or has
    it below Zipf 2 (the list's tail, which is not read: its one use asks for Zipf 3)."""
    f = _frequencies(lang).get(text, 0.0)
    return math.log10(f) + 9 if f > 0 else 0.0


@lru_cache(maxsize=8)
def _frequencies(lang: str) -> dict[str, float]:
    """Word -> frequency, as ``wordfreq.get_frequency_dict`` gives it, for the words of
    the list's first :data:`_ZIPF_BUCKETS` buckets."""
    buckets = _word_buckets(lang, lambda index, words: index > _ZIPF_BUCKETS)
    out: dict[str, float] = {}
    for index, bucket in enumerate(buckets[:_ZIPF_BUCKETS + 1]):
        freq = 10 ** (-index / 100)  # wordfreq's cB_to_freq
        for word in bucket:
            out[word] = freq
    return out


# --- wordfreq's lists, read as far as needed ------------------------------------------------
# wordfreq reads a whole list to answer anything (Chinese: 334,000 words, 0.11 s with the
# dictionary of them), and importing it loads ftfy and regex (0.08 s): in every worker, most
# of a small folder's run. Its lists are files of a documented format ("cBpack": gzipped
# msgpack, a header, then the words a bucket a centibel, commonest first), named as its
# available_languages finds them; these read a list's head without importing it, and fall
# back on wordfreq itself for a language code that names no file.

@lru_cache(maxsize=1)
def _wordfreq_data() -> str | None:
    import importlib.util
    import os

    try:
        spec = importlib.util.find_spec("wordfreq")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(next(iter(spec.submodule_search_locations)), "data")


def _list_files(wordlist: str) -> dict[str, str]:
    """{language: file} of wordfreq's lists, as its ``available_languages`` finds them
    ("best": the large list where there is one, else the small)."""
    import glob
    import os

    data = _wordfreq_data()
    if data is None:
        return {}
    out: dict[str, str] = {}
    for name in ("small", "large") if wordlist == "best" else (wordlist,):
        for path in sorted(glob.glob(os.path.join(data, f"{name}_*.msgpack.gz"))):
            out[os.path.basename(path).split(".")[0].split("_", 1)[1]] = path
    return out


def _word_buckets(lang: str, enough: Callable[[int, int], bool]) -> list[list[str]]:
    """The buckets of ``lang``'s best wordfreq list, from the commonest, read until
    ``enough(buckets read, words read)``; [] for a language wordfreq has no list of."""
    path = _list_files("best").get(lang)
    if path is None:
        try:
            import wordfreq

            return wordfreq.get_frequency_list(lang, "best")
        except (ImportError, LookupError, ValueError, OSError):
            return []
    return _read_buckets(path, enough)


def _read_buckets(path: str, enough: Callable[[int, int], bool]) -> list[list[str]]:
    out: list[list[str]] = []
    words = 0
    with closing(_buckets(path)) as buckets:
        for bucket in buckets:
            if enough(len(out), words):
                break
            out.append(bucket)
            words += len(bucket)
    return out


#: Bytes a list file is read by at a time. msgpack's default (its buffer's size, megabytes)
#: decompressed most of a small list to read its head: 44 lists' heads took 0.09 s, 0.007 s
#: read this way.
_READ_SIZE = 16 << 10


def _buckets(path: str) -> Iterator[list[str]]:
    """The buckets of a wordfreq list file, from the commonest, as far as they are asked for."""
    import gzip

    import msgpack

    with gzip.open(path, "rb") as fh:
        reader = msgpack.Unpacker(fh, raw=False, read_size=_READ_SIZE)
        size = reader.read_array_header()
        header = reader.unpack() if size else None
        if not isinstance(header, dict) or header.get("format") != "cB" or \
                header.get("version") != 1:
            raise ValueError(f"{path}: not a wordfreq list")
        for _ in range(size - 1):
            yield reader.unpack()


@lru_cache(maxsize=1 << 16)
def known_words(text: str, lang: str, strict: bool = False) -> bool:
    """Whether every word of ``text`` is a word of ``lang``; True when the language is
    unknown, has no word list, or writes without spaces (its readings are compared by
    characters), False then if ``strict``."""
    if not lang or lang not in _word_langs() or lang in ("zh", "ja", "ko"):
        return not strict
    words = [w for w in re.findall(r"[^\W\d_]+", fold(text))]
    return all(_zipf(w, lang) >= _KNOWN_ZIPF for w in words)


@dataclass
class Channel:
    """How likely each witness is to print ``x`` where the text reads ``t``: counts of the
    character edits seen at the work's sites, per witness and in all, over a prior."""

    config: Config
    per: dict[int, Counter[Op]] = field(default_factory=dict)
    total: dict[int, float] = field(default_factory=dict)
    pooled: Counter[Op] = field(default_factory=Counter)
    pooled_total: float = 0.0
    glyphs: Counter[Op] = field(default_factory=Counter)  # one letter read as two, or two as one

    def glyph_edits(self, t: str, x: str) -> int:
        """Character edits that turn ``t`` into ``x``; a letter read as two (or two as one)
        counts as one where Unicode lists the pair as confusable or the work was seen to
        make that slip twice."""
        n = 0
        for op in stretches(t, x):
            if _split_glyph(op) and (op in _split_glyphs() or self.glyphs.get(op, 0.0) >= 2.0):
                n += 1
            else:
                n += max(len(op[0]), len(op[1]))
        return n

    def learn(self, w: int, t: str, x: str, weight: float = 1.0) -> None:
        ops = edit_ops(t, x)
        if not ops or len(ops) > 6:
            return  # a rewording or a cut teaches nothing about misreading
        c = self.per.setdefault(w, Counter())
        for op in ops:
            c[op] += weight
            self.pooled[op] += weight
        self.total[w] = self.total.get(w, 0.0) + weight * len(ops)
        self.pooled_total += weight * len(ops)
        for op in stretches(t, x):
            if _split_glyph(op):
                self.glyphs[op] += weight

    def op_logp(self, w: int, op: Op) -> float:
        """log of the share of witness ``w``'s edits that are ``op``: its own count, the
        work's count of all witnesses (as a rate, worth ``channel_pooled`` edits) and a
        prior spread over ``channel_space`` possible edits, look-alikes
        ``channel_alike`` times likelier than others."""
        cfg = self.config
        a, b = op
        prior = cfg.channel_alike if a and b and looks_alike(a, b) else 1.0
        own = self.per.get(w, {}).get(op, 0.0)
        n_w = self.total.get(w, 0.0)
        rate = self.pooled.get(op, 0.0) / self.pooled_total if self.pooled_total else 0.0
        alpha = cfg.channel_strength
        num = own + cfg.channel_pooled * rate + alpha * prior
        den = n_w + cfg.channel_pooled + alpha * cfg.channel_space
        return math.log(num / den)

    def logp(self, w: int, t: str, x: str) -> float:
        """log P(x | t, an error of witness w), from the edits between the two keys."""
        return sum(self.op_logp(w, op) for op in edit_ops(t, x))

    def slip_like(self, t: str, x: str) -> bool:
        """Whether ``x`` differs from ``t`` as a misreading does: by substitutions of
        characters that look alike or that the work's witnesses were seen to confuse."""
        words_t, words_x = t.split(" "), x.split(" ")
        t, x = t.replace(" ", ""), x.replace(" ", "")
        if len(t) == len(x) == 1 and is_cjk_token(t) and is_cjk_token(x):
            return True  # one character for another: a misread, whatever the glyphs
        ops = edit_ops(t, x)
        if not ops:
            return True
        if len(words_t) == len(words_x) and not is_cjk_token(t[:1]):
            n = self.glyph_edits(t, x)
            if n <= max(1, len(t) // 3) and n <= 2:
                return True  # a word or two misspelt by a letter or two, not another word
        if len(ops) > 2:
            return False
        for a, b in ops:
            if not a or not b:
                return False
            if not (looks_alike(a, b) or self.pooled.get((a, b), 0.0) >= 2.0):
                return False
        return True

    def confusions(self, min_count: float = 2.0) -> dict[str, Counter[str]]:
        """Substitutions seen at least ``min_count`` times: {printed: {meant: n}}."""
        out: dict[str, Counter[str]] = {}
        for (a, b), n in self.pooled.items():
            if a and b and n >= min_count:
                out.setdefault(b, Counter())[a] += int(n)
        return out


# --- plausibility -------------------------------------------------------------------------------


def lm_text(keys: Iterable[str]) -> str:
    """Token keys as the language model reads them: words apart, ideographs together."""
    out: list[str] = []
    prev_cjk = True
    for k in keys:
        cjk = len(k) == 1 and CJK_CHARS[k]  # is_cjk_token, inline: a work's every token
        if out and not (cjk and prev_cjk):
            out.append(" ")
        out.append(k)
        prev_cjk = cjk
    return "".join(out)


_NUMPY_MIN_CHARS = 2_000


def _packed_grams(joined: str, order: int
                  ) -> tuple[int, Iterator[tuple[int, np.ndarray, np.ndarray]]] | None:
    """The k-grams (k = 1 .. ``order``) of ``joined`` that hold no NUL (where two texts were
    joined), each as one integer, its characters' ranks packed in ``bits`` bits apiece:
    ``(bits, grams)``, where ``grams`` gives for each k the grams' starts and their
    integers. None for a short text (counted faster by slicing) and for one of too many
    distinct characters to pack a gram in 64 bits."""
    n = len(joined)
    if n < _NUMPY_MIN_CHARS:
        return None
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    alphabet, dense = ranks(codes)
    bits = max(1, int(len(alphabet) - 1).bit_length())
    if bits * order > 63:
        return None

    def grams() -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        ranked = dense.astype(np.int64)
        nul = codes == 0
        packed = np.zeros(n, dtype=np.int64)
        has_nul = np.zeros(n, dtype=bool)
        for k in range(1, min(order, n) + 1):
            m = n - k + 1
            # the gram starting at i of length k, from the one of length k - 1
            packed = (packed[:m] << bits) | ranked[k - 1:k - 1 + m]
            has_nul = has_nul[:m] | nul[k - 1:k - 1 + m]
            starts = np.flatnonzero(~has_nul)
            yield k, starts, packed[starts]
    return bits, grams()


def _gram_counts(joined: str, order: int) -> Counter[str]:
    """How often each k-gram (k = 1 .. ``order``) of ``joined`` occurs, leaving out those
    that hold a NUL (where two texts were joined). Counted on integer codes with numpy (a
    work's model counts four grams a character of its text and its related works': most
    of the time a work took), in the order a count by slicing would first meet them."""
    out: Counter[str] = Counter()
    n = len(joined)
    packed = _packed_grams(joined, order)
    if packed is None:
        for k in range(1, order + 1):
            out.update(map(joined.__getitem__, map(slice, range(n - k + 1), range(k, n + 1))))
        for g in [g for g in out if "\x00" in g]:
            out.pop(g)
        return out
    for k, starts, ids in packed[1]:
        if not len(ids):
            continue
        _, first, counts = runs(ids)
        seen = np.argsort(first, kind="stable")
        for i, c in zip(starts[first[seen]].tolist(), counts[seen].tolist()):
            out[joined[i:i + k]] = c
    return out


class CharModel:
    """An interpolated character n-gram model over counts (the folder's text and, as pseudo
    counts, a general word list)."""

    def __init__(self, order: int, beta: float) -> None:
        self.order = order
        self.beta = beta
        self.counts: Counter[str] = Counter()
        #: how often each gram ends a text: a context's count is its gram's count less
        #: these (a context is a gram something follows), kept apart rather than counted
        #: gram by gram, which was most of the time a work took to build its model
        self.ends: Counter[str] = Counter()
        self.total = 0.0  # the characters counted: the count of the empty context
        self.chars: set[str] = set()
        self.ctx = _Contexts(self)

    def add(self, texts: Sequence[str], weight: float = 1.0) -> None:
        """Count the k-grams of each of ``texts`` (no gram across two), with one weight:
        counted in one pass over them joined by a character no text holds."""
        grams = _gram_counts("\x00".join(texts), self.order)
        ends: Counter[str] = Counter()
        for k in range(1, self.order):
            ends.update(t[-k:] for t in texts if len(t) >= k)
        if weight == 1.0 and not self.counts:
            self.counts = grams
        else:
            c = self.counts
            for g, k in grams.items():
                c[g] += k * weight
        for g, k in ends.items():
            self.ends[g] += k * weight
        self.total += sum(map(len, texts)) * weight
        for t in texts:
            self.chars.update(t)

    @classmethod
    def of_groups(cls, order: int, beta: float,
                  groups: Sequence[tuple[Sequence[str], float]]) -> CharModel:
        """A model of several groups of texts, each with its weight: the same counts, to the
        last bit (as floats), as ``add(texts, weight)`` for each group in turn on an empty
        model, but counted in one pass (a language's general model is 350 groups, one per
        frequency bucket of its word list: counted group by group it took 0.2-0.3 s in each
        worker)."""
        m = cls(order, beta)
        flat = [t for texts, _ in groups for t in texts]
        joined = "\x00".join(flat)
        n = len(joined)
        packed = _packed_grams(joined, order)
        if packed is None:
            for texts, weight in groups:
                m.add(texts, weight)
            return m
        bits, grams = packed
        weights = np.array([w for _, w in groups], dtype=np.float64)
        gbits = max(1, int(len(groups) - 1).bit_length())
        # the group of each position (a NUL takes the group of the text before it)
        group_of_text = np.repeat(np.arange(len(groups)), [len(texts) for texts, _ in groups])
        group_at = np.repeat(group_of_text, [len(t) + 1 for t in flat])[:n]
        counts: dict[str, float] = {}
        for k, starts, ids in grams:
            if not len(starts):
                continue
            grp = group_at[starts]
            # by gram, then group (one key where both fit in 64 bits: 5x faster)
            if bits * k + gbits <= 63:
                by = np.argsort((ids << gbits) | grp)
            else:
                by = np.lexsort((grp, ids))
            ids, grp, starts = ids[by], grp[by], starts[by]
            run = np.flatnonzero(np.r_[True, (ids[1:] != ids[:-1]) | (grp[1:] != grp[:-1])])
            per_run = np.diff(np.r_[run, len(ids)]).astype(np.float64) * weights[grp[run]]
            first = np.r_[True, ids[run[1:]] != ids[run[:-1]]]  # a gram's first run
            # bincount adds in order, as += did group by group
            sums = np.bincount(np.cumsum(first) - 1, weights=per_run)
            for i, v in zip(starts[run[first]].tolist(), sums.tolist()):  # any occurrence
                counts[joined[i:i + k]] = v
        m.counts = Counter(counts)
        for texts, weight in groups:
            ends: Counter[str] = Counter()
            for k in range(1, order):
                ends.update(t[-k:] for t in texts if len(t) >= k)
            for g, c in ends.items():
                m.ends[g] += c * weight
            m.total += sum(map(len, texts)) * weight
        m.chars = set().union(*flat)
        return m

    def logp(self, s: str, start: int = 0, minus: str = "") -> float:
        """log P of ``s[start:]`` given what precedes it in ``s``; ``minus``: text the
        counts hold that must not count (the place being judged, left out)."""
        base = 1.0 / (len(self.chars) + 2)
        c, h, beta = self.counts, self.ctx, self.beta
        if not minus:  # the common case, without the subtractions (a tenth of a work's time)
            log, order, total = math.log, self.order, 0.0
            for i in range(start, len(s)):
                p = base
                for j in range(i, max(i - order, -1), -1):
                    num, den = c[s[j:i + 1]], h[s[j:i]]
                    p = ((num if num > 0.0 else 0.0) + beta * p) / \
                        ((den if den > 0.0 else 0.0) + beta)
                total += log(p)
            return total
        drop: Counter[str] = Counter()
        dctx: Counter[str] = Counter()
        for k in range(1, self.order + 1):
            for i in range(len(minus) - k + 1):
                g = minus[i:i + k]
                drop[g] += 1
                dctx[g[:-1]] += 1
        total = 0.0
        for i in range(start, len(s)):
            p = base
            for k in range(1, self.order + 1):
                j = i - k + 1
                if j < 0:
                    break
                g = s[j:i + 1]
                num = max(0.0, c[g] - drop.get(g, 0))
                den = max(0.0, h[g[:-1]] - dctx.get(g[:-1], 0))
                p = (num + beta * p) / (den + beta)
            total += math.log(p)
        return total


class _Contexts:
    """The context counts of one model, or of several summed, read off their gram counts:
    how often a context is followed by a character of the same text."""
    __slots__ = ("models",)

    def __init__(self, *models: CharModel) -> None:
        self.models = models

    def get(self, x: str, default: float = 0.0) -> float:
        if not x:
            return sum(m.total for m in self.models)
        got = 0.0
        for m in self.models:
            got += m.counts.get(x, 0.0) - m.ends.get(x, 0.0)
        return got

    __getitem__ = get


class Summed(CharModel):
    """Several models as one, their counts summed where they are looked up (the work's own
    model with the language's general one behind it, whose counts are pseudo counts). The
    models must not change after: each sum is kept once looked up (a work asks for the
    same grams thousands of times)."""

    def __init__(self, *models: CharModel) -> None:
        super().__init__(models[0].order, models[0].beta)

        def count(g: str) -> float:
            got = 0.0
            for m in models:
                got += m.counts.get(g, 0.0)
            return got
        self.counts = _Kept(count)  # type: ignore[assignment]
        self.ctx = _Kept(_Contexts(*models).get)  # type: ignore[assignment]
        self.chars = set().union(*(m.chars for m in models))

    def add(self, texts: Sequence[str], weight: float = 1.0) -> None:
        raise TypeError("a summed model is read only: add to the models it sums")


class _Kept(dict):
    """A function's values, each kept once looked up (``[]`` and ``get`` alike)."""

    def __init__(self, fn: Callable[[str], float]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> float:
        got = self[key] = self.fn(key)
        return got

    def get(self, key: str, default: float = 0.0) -> float:  # type: ignore[override]
        return self[key]


def _most_frequent(buckets: Sequence[Sequence[str]], n: int
                   ) -> list[tuple[float, list[str]]]:
    """The ``n`` most frequent words of a ``wordfreq`` frequency list (buckets of words, a
    centibel apart, commonest first), ties by the word: (frequency, words) per bucket."""
    out: list[tuple[float, list[str]]] = []
    left = n
    for index, bucket in enumerate(buckets):
        if left <= 0:
            break
        if bucket:
            got = sorted(bucket)[:left]
            out.append((10.0 ** (-index / 100.0), got))
            left -= len(got)
    return out


@lru_cache(maxsize=8)
def general_model(lang: str, order: int, beta: float, words: int, mass: float) -> CharModel:
    """Character n-grams of the language's most frequent words (``wordfreq``), weighted by
    frequency to ``mass`` pseudo-occurrences in all; empty for a language it lacks."""
    m = CharModel(order, beta)
    if not lang:
        return m
    try:
        buckets = _word_buckets(lang, lambda index, read: read >= words)
    except (ImportError, ValueError, OSError):
        return m
    top = _most_frequent(buckets, words)
    total = sum(f * len(ws) for f, ws in top) or 1.0
    # the words of one bucket weigh alike: counted together, then weighted once
    return CharModel.of_groups(order, beta, [
        ([w if all(is_cjk_token(ch) for ch in w) else f" {w} " for w in ws], mass * f / total)
        for f, ws in top])


@lru_cache(maxsize=1)
def _profiles() -> dict[str, dict[str, float]]:
    out = {}
    for lang, path in sorted(_list_files("small").items()):
        try:
            top = _top_words(path, 300)
        except (ImportError, ValueError, OSError):
            continue
        out[lang] = {w: 1.0 / (1 + r) ** 0.5 for r, w in enumerate(top)}
    return out


def _top_words(path: str, n: int) -> list[str]:
    """The ``n`` commonest words of a ``wordfreq`` list file, as its ``top_n_list`` gives
    them (numbers left out: a test checks the two agree), read only as far as they go.
    Through ``top_n_list`` each of the 44 small lists was read whole and kept: 0.55 s and
    146 MB in every worker that met a text in a spaced script."""
    import re

    digits = re.compile(r"\d[\d.,]+")  # wordfreq's has_digit_sequence (at the start)
    out: list[str] = []
    with closing(_buckets(path)) as buckets:
        for bucket in buckets:
            if len(out) >= n:
                break
            out.extend(w for w in bucket if not digits.match(w))
    return out[:n]


def detect_language(keys: Sequence[str]) -> str:
    """The ``wordfreq`` language the text reads as: by script for Chinese, Japanese and
    Korean, else the language whose commonest words the text uses most."""
    if not keys:
        return ""
    sample = keys[:5000]
    cjk_at = list(map(is_cjk_token, sample))
    cjk = sum(cjk_at)
    if cjk * 2 >= len(sample):
        kana = sum(1 for k in sample if "\u3040" <= k <= "\u30ff")
        return "ja" if kana * 10 >= cjk else "zh"
    if any("\uac00" <= k[:1] <= "\ud7af" for k in sample[:200]):
        return "ko"
    words = Counter(k for k, c in zip(sample, cjk_at) if not c and not k.isdigit())
    langs, by_word = _profiles_by_word()
    # each language's score, its terms summed in the order of the words as sum() adds them
    # (a word a language's profile lacks adds nothing)
    terms: list[list[float]] = [[] for _ in langs]
    for w, n in words.items():
        for li, weight in by_word.get(w, ()):
            terms[li].append(n * weight)
    best, score = "", 0.0
    for lang, got in zip(langs, terms):
        s = sum(got)
        if s > score:
            best, score = lang, s
    return best if score >= 0.05 * max(sum(words.values()), 1) else ""


@lru_cache(maxsize=1)
def _profiles_by_word() -> tuple[list[str], dict[str, list[tuple[int, float]]]]:
    """The languages of :func:`_profiles` in order, and for each word the languages whose
    profile holds it (by their place in that order) with its weight there."""
    langs = list(_profiles())
    by_word: dict[str, list[tuple[int, float]]] = {}
    for li, lang in enumerate(langs):
        for w, weight in _profiles()[lang].items():
            by_word.setdefault(w, []).append((li, weight))
    return langs, by_word


# --- the model ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """A candidate's score at a site, in parts, and its posterior."""

    text: str  # the reading's comparison key (tokens joined by spaces)
    votes: float  # sum of the witnesses' log-likelihoods
    plausibility: float  # capped log-probability relative to the best candidate
    posterior: float


class Evidence:
    """The work-wide parts of the evidence: reliability, channel, plausibility."""

    def __init__(self, config: Config, n_witnesses: int, voter_weight: Sequence[float],
                 digest: Sequence[bool], model: CharModel, support: Support | None = None,
                 lang: str = "") -> None:
        self.config = config
        self.lang = lang
        self.acc = [config.prior_accuracy] * n_witnesses
        self.weight = list(voter_weight)
        self.digest = list(digest)
        self.channel = Channel(config)
        self.model = model
        self.support = support
        # plausibility and support do not change between passes (only reliability and
        # the channel are learned): each is computed once per place and reading
        self._plaus: dict[tuple[str, str, str, str], float] = {}
        self._sup: dict[tuple[str, tuple[str, str], frozenset[int]], float] = {}

    def slip_like(self, t: str, x: str) -> bool:
        """Whether ``x`` differs from ``t`` as a misreading does: the channel says so, or
        (a language with a word list) one of them is a word and the other none, a few
        letters apart ('law' / 'lavv', 'clenicd' / 'denied'): what an editor's rewording
        never makes, whichever of the two was misread."""
        if self.channel.slip_like(t, x):
            return True
        if not t or not x or " " in t or " " in x or not self.lang:
            return False
        if Levenshtein.distance(t, x) > max(2, min(len(t), len(x)) // 2):
            return False
        return known_words(t, self.lang, strict=True) != known_words(x, self.lang, strict=True)

    def likelihood(self, w: int, x: str, t: str, typical: bool = False,
                   flawed: bool = False) -> float:
        """log P(witness w prints x | the text reads t). ``typical``: x is t with a typical
        failure; ``flawed``: t is x with one (a text is rarely edited into a failure)."""
        a = self.acc[w]
        if x == t:
            return math.log(a)
        if typical:
            ch = math.log(self.config.channel_typical)
        elif self.digest[w] and not flawed and not self.slip_like(t, x):
            # a digest words things its own way: a difference that is no misreading says
            # little about the text
            ch = math.log(self.config.digest_rewording)
        else:
            ch = self.channel.logp(w, t.replace(" ", ""), x.replace(" ", ""))
        return math.log(1.0 - a) + ch

    def plausibility(self, left: str, reading: str, right: str, minus: str = "") -> float:
        k = (left, reading, right, minus)
        got = self._plaus.get(k)
        if got is None:
            got = self._plaus[k] = self.model.logp(left + reading + right, start=len(left),
                                                   minus=minus)
        return got

    def _support_of(self, t: str, neighbours: tuple[str, str], carriers: frozenset[int]
                    ) -> float:
        k = (t, neighbours, carriers)
        got = self._sup.get(k)
        if got is None:
            assert self.support is not None
            got = self._sup[k] = self.support.of(t, neighbours, carriers)
        return got

    def score(self, candidates: Sequence[str], readers: Sequence[tuple[int, str]],
              left: str, right: str, typical: dict[tuple[str, str], bool] | None = None,
              use_plausibility: bool = True, neighbours: tuple[str, str] = ("", ""),
              cap: float | None = None, held_out: str | None = None,
              words: Sequence[bool] = ()) -> list[Score]:
        """Posterior of each candidate (keys) given what each reader prints (keys), with
        the text ``left`` and ``right`` of the place in language-model form."""
        cfg = self.config
        typical = typical or {}
        votes = []
        for t in candidates:
            v = 0.0
            for w, x in readers:
                v += self.weight[w] * self.likelihood(w, x, t, typical.get((t, x), False),
                                                      typical.get((x, t), False))
            votes.append(v)
        if use_plausibility and cfg.plausibility_weight > 0:
            minus = ""
            if held_out is not None:  # the place is in the counts: leave it out
                minus = left + _lm_form(held_out, left, right) + right
            raw = [self.plausibility(left, _lm_form(t, left, right), right, minus)
                   for t in candidates]
            top = max(raw)
            limit = cfg.plausibility_cap if cap is None else cap
            plaus = [cfg.plausibility_weight * max(r - top, -limit) for r in raw]
        else:
            plaus = [0.0] * len(candidates)
        if self.support is not None and cfg.support_weight > 0 and use_plausibility:
            carriers = {t: frozenset(w for w, x in readers if x == t) for t in candidates}
            sup = [min(cfg.support_cap, self._support_of(t, neighbours, carriers[t]))
                   for t in candidates]
            top = max(sup)
            plaus = [p + cfg.support_weight * (s_ - top) for p, s_ in zip(plaus, sup)]
        # ``words``: whether each candidate is a word of the language; the empty reading
        # is neither (a name the word list lacks is no reason to drop it)
        said = [k for t, k in zip(candidates, words) if t]
        if use_plausibility and any(said) and not all(said):
            plaus = [p + (cfg.lexicon_weight if t and k else 0.0)
                     for p, t, k in zip(plaus, candidates, words)]
        total = [v + p for v, p in zip(votes, plaus)]
        m = max(total)
        z = sum(math.exp(x - m) for x in total)
        return [Score(t, v, p, math.exp(x - m) / z)
                for t, v, p, x in zip(candidates, votes, plaus, total)]

    def learn_reliability(self, agree: Sequence[float], events: Sequence[float]) -> None:
        """Each witness's accuracy: its agreement with the decisions, drawn towards the
        prior by as many pseudo-observations as ``prior_weight`` (a witness that shares
        little with the others keeps about the prior)."""
        k = self.config.prior_weight
        p = self.config.prior_accuracy
        for w in range(len(self.acc)):
            self.acc[w] = min(0.9995, max(0.5, (agree[w] + k * p) / (events[w] + k)))


class Support:
    """Where else a reading is printed: the work's witnesses at other places and related
    works, one vote per text that prints the reading next to the same neighbour, a quarter
    for each further place in a text that carries the reading here (one engine, or one
    typesetter, repeats its own misreadings)."""

    def __init__(self, texts: Sequence[Sequence[str]], witness_of: Sequence[int]) -> None:
        self.grams: list[Counter[tuple[str, ...]]] = []
        for keys in texts:
            c: Counter[tuple[str, ...]] = Counter()
            c.update(zip(keys, keys[1:]))
            c.update(zip(keys, keys[1:], keys[2:]))  # probes are at most three tokens
            self.grams.append(c)
        self.witness_of = list(witness_of)  # per text: the work's witness, or -1

    def of(self, reading: str, neighbours: tuple[str, str], carriers: frozenset[int] | set[int]
           ) -> float:
        left, right = neighbours
        toks = tuple(reading.split(" ")) if reading else ()
        probes = []
        if len(toks) <= 2:
            if left:
                probes.append((left,) + toks)
            if right:
                probes.append(toks + (right,))
        if not probes:
            return 0.0
        score = 0.0
        for grams, w in zip(self.grams, self.witness_of):
            n = max(grams.get(p, 0) for p in probes)
            if w in carriers:
                score += 0.25 * max(n - 1, 0)
            elif n > 0:
                score += 1.0
        return score


def _lm_form(key: str, left: str, right: str) -> str:
    """A reading's key as the language model reads it, with the space it needs next to its
    neighbours."""
    body = lm_text(key.split(" ")) if key else ""
    if not body:
        return " " if not left.endswith(" ") and right[:1] not in ("", " ") and \
            not (is_cjk_token(left[-1:]) and is_cjk_token(right[:1])) else ""
    out = body
    if left and not left.endswith(" ") and not (is_cjk_token(left[-1]) and is_cjk_token(body[0])):
        out = " " + out
    if right and not right.startswith(" ") and not (is_cjk_token(body[-1]) and
                                                     is_cjk_token(right[0])):
        out = out + " "
    return out


__all__ = ["Channel", "CharModel", "Evidence", "Score", "Summed", "Support", "detect_language",
           "edit_ops", "general_model", "lm_text", "looks_alike"]
