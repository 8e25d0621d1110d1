

def test_the_head_of_a_word_list_is_what_wordfreq_lists_first() -> None:
    # the language profiles read only the head of each wordfreq list file; wordfreq's own
    # top_n_list (which reads the whole list) must agree, numbers left out as it does
    import wordfreq

    from reconcile.evidence import _top_words

    paths = wordfreq.available_languages("small")
    for lang in ("en", "de", "ar", "fr", "ja"):
        assert _top_words(paths[lang], 300) == wordfreq.top_n_list(lang, 300, wordlist="small")


def test_the_lists_read_in_part_give_what_wordfreq_gives() -> None:
    # the general model and the word frequencies read only the head of wordfreq's list;
    # they must be what wordfreq's whole list gives (the frequencies down to Zipf 2)
    import math

    import wordfreq

    from reconcile.config import Config
    from reconcile.evidence import (CharModel, _list_files, _most_frequent, general_model,
                                    word_zipf)
    from reconcile.tokens import is_cjk_token

    assert _list_files("best") == wordfreq.available_languages("best")
    c = Config()
    for lang in ("zh", "en"):
        whole = wordfreq.get_frequency_dict(lang, "best")
        for w, f in list(whole.items())[::97]:
            z = math.log10(f) + 9
            assert word_zipf(w, lang) == (z if z >= 2.0 else 0.0)
        top = _most_frequent(wordfreq.get_frequency_list(lang, "best"), c.general_words)
        total = sum(f * len(ws) for f, ws in top)
        want = CharModel.of_groups(c.lm_order, c.lm_beta, [
            ([w if all(is_cjk_token(ch) for ch in w) else f" {w} " for w in ws],
             c.general_mass * f / total) for f, ws in top])
        got = general_model(lang, c.lm_order, c.lm_beta, c.general_words, c.general_mass)
        assert got.counts == want.counts and got.ends == want.ends and got.total == want.total


def test_a_chinese_work_needs_no_import_of_wordfreq() -> None:
    # importing wordfreq is 0.08 s in every worker: a text it need not tokenise does without
    from .helpers import in_fresh_interpreter

    code = ("import sys\n"
            "from reconcile.config import Config\n"
            "from reconcile.evidence import general_model, word_zipf, known_words\n"
            "c = Config()\n"
            "general_model('zh', c.lm_order, c.lm_beta, c.general_words, c.general_mass)\n"
            "assert word_zipf('政府', 'zh') > 3 and known_words('政府', 'zh')\n"
            "assert 'wordfreq' not in sys.modules\n")
    in_fresh_interpreter(code)
