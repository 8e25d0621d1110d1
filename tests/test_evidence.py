

def test_the_head_of_a_word_list_is_what_wordfreq_lists_first() -> None:
    # the language profiles read only the head of each wordfreq list file; wordfreq's own
    # top_n_list (which reads the whole list) must agree, numbers left out as it does
    import wordfreq

    from reconcile.evidence import _top_words

    paths = wordfreq.available_languages("small")
    for lang in ("en", "de", "ar", "fr", "ja"):
        assert _top_words(paths[lang], 300) == wordfreq.top_n_list(lang, 300, wordlist="small")
