from civicdesk.surveys.themes import terms, top_terms


def test_english_terms_and_phrases_without_stop_words():
    found = terms("The waiting time was too long, waiting time!")
    assert "waiting" in found and "waiting time" in found
    assert "the" not in found and "was" not in found


def test_chinese_is_split_into_two_character_terms():
    found = terms("等候時間太長，職員很有禮貌")
    assert "等候" in found and "時間" in found and "職員" in found
    assert "，" not in "".join(found)


def test_top_terms_count_each_comment_once_and_prefer_phrases():
    texts = [
        "waiting time long waiting time",
        "The waiting time is long",
        "waiting time again",
        "friendly staff",
        "staff were friendly",
        "等候時間太長",
        "等候太久",
    ]
    ranked = dict(top_terms(texts, limit=10))
    assert ranked["waiting time"] == 3
    assert "waiting" not in ranked  # folded into its phrase
    assert ranked["friendly"] == 2 and ranked["staff"] == 2
    assert ranked["等候"] == 2
