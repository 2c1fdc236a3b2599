"""Whatever a form post contains, answers are either cleaned within range or refused by key."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicdesk.surveys import defaults
from civicdesk.surveys.models import SCALES, Question
from civicdesk.surveys.services import clean_answers

QUESTIONS = [Question(position=i, **{k: v for k, v in q.items() if k != "labels"})
             for i, q in enumerate(defaults.QUESTIONS, start=1)]  # fmt: skip
KEYS = [q.key for q in QUESTIONS]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([*KEYS, "unknown"]), st.one_of(st.text(max_size=30), st.integers(-50, 50))
    )
)
def test_cleaned_answers_are_in_range_and_errors_name_their_question(raw):  # fmt: skip
    cleaned, errors = clean_answers(QUESTIONS, raw)
    assert set(cleaned).isdisjoint(errors)
    assert set(cleaned) | set(errors) <= set(KEYS)
    for question in QUESTIONS:
        if question.key in cleaned and question.kind in SCALES:
            low, high = SCALES[question.kind]
            assert low <= cleaned[question.key] <= high
        if question.required and question.key not in cleaned:
            assert question.key in errors
