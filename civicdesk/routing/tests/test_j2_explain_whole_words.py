"""The case page's "Words that weighed most" names words of the case, not pieces of them (an
officer cannot check "tr" or "ac") nor the model's hints ("channel=web"). Chinese, written
without spaces, is still explained by its characters."""

import re

import pytest

from civicdesk.routing.model import Example, train
from civicdesk.routing.tests.factories import bilingual_examples


@pytest.fixture(scope="module")
def model():
    return train([e.as_example() for e in bilingual_examples()]).model


def test_english_explanations_are_whole_words_of_the_case(model):
    for text in (
        "A big tree has fallen across the footpath at the estate",
        "Water is leaking from the ceiling and the lift is broken",
        "Rubbish bins overflowing at the bus stop",
    ):
        example = Example(text=text, kind="complaint", channel="web", category_hint="leak")
        words = set(re.findall(r"\w+", text.lower()))
        for label in model.labels:
            for term in model.explain(example, label):
                assert set(term.term.split()) <= words, (text, label, term.term)


def test_chinese_is_still_explained_by_its_characters(model):
    chinese = Example(text="天花板漏水，升降機壞了")
    label = model.rank(chinese)[0].label
    terms = [t.term for t in model.explain(chinese, label)]
    assert terms and all(re.search(r"[\u4e00-\u9fff]", t) for t in terms)


def test_the_models_hints_are_not_listed_as_words():
    texts = ["problem with the service", "please look at this issue", "something is wrong here",
             "need help with a matter", "there is a problem again", "please check this for me"]  # fmt: skip
    rows = [Example(text=f"{t} {i}", channel=channel, kind="complaint", label=label)
            for i in range(10) for t in texts
            for channel, label in (("web", "WEB_TEAM"), ("phone", "PHONE_TEAM"))]  # fmt: skip
    model = train(rows).model
    example = Example(text="there is a problem with the service", channel="web", kind="complaint")
    terms = [t.term for t in model.explain(example, "WEB_TEAM")]
    assert not any("=" in term for term in terms), terms
