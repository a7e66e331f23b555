from search.analysis import Vocabulary, analyse_text, edit_distance, fold, max_edits, split_compound, stem, words


def test_fold_lowercases_and_strips_accents():
    assert fold("Café Één") == "cafe een"


def test_words_drop_punctuation_and_keep_non_latin_letters():
    assert words("Hulp! (thuis) & zorg*") == ["hulp", "thuis", "zorg"]
    assert words("مساعدة") == ["مساعدة"]
    assert words("🙂 !!") == []


def test_dutch_stemmer_links_plural_and_singular():
    assert stem("dorpshuizen") == stem("dorpshuis")
    assert stem("ouderen") == stem("oudere")


def test_damerau_distance_counts_a_swap_as_one_edit():
    assert edit_distance("mantelzrog", "mantelzorg") == 1
    assert edit_distance("vrijwiligerswerk", "vrijwilligerswerk") == 1
    assert edit_distance("kat", "hond", limit=2) == 3


def test_typo_budget_grows_with_word_length():
    assert max_edits("zorg") == 0
    assert max_edits("schulden") == 1
    assert max_edits("mantelzorger") == 2


def test_compound_is_split_against_the_vocabulary():
    known = {"mantelzorg", "ondersteuning", "schuld", "hulp", "verlening"}
    assert split_compound("mantelzorgondersteuning", known) == ("mantelzorg", "ondersteuning")
    assert split_compound("schuldhulpverlening", known) == ("schuld", "hulp", "verlening")
    assert split_compound("hondenuitlaatservice", known) is None


def test_compound_split_allows_linking_s():
    assert split_compound("vrijwilligerswerk", {"vrijwilliger", "werk"}) == ("vrijwilliger", "werk")


def test_vocabulary_offers_corrections_most_common_first():
    vocabulary = Vocabulary({"mantelzorg": 10, "mantelzorger": 3, "schulden": 4}, total_docs=20)
    assert vocabulary.corrections("mantelzrog")[0] == "mantelzorg"
    assert vocabulary.corrections("tandarts") == []
    assert vocabulary.has_prefix("mantel")


def test_index_analysis_adds_compound_parts():
    vocabulary = Vocabulary({"mantelzorg": 2, "ondersteuning": 5, "mantelzorgondersteuning": 1}, total_docs=5)
    tokens = analyse_text("Mantelzorgondersteuning voor u", vocabulary)
    assert stem("mantelzorgondersteuning") in tokens
    assert "mantelzorg" in tokens and stem("ondersteuning") in tokens
    assert "voor" not in tokens
