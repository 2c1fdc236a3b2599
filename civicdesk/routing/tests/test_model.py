"""The model on its own: languages, thresholds, evaluation, explanations, bad input."""

import numpy as np
import pytest

from civicdesk.routing.model import (
    MAX_TEXT_CHARS,
    NO_AUTO_ROUTE,
    Example,
    RoutingDataError,
    choose_threshold,
    evaluate_predictions,
    normalise_text,
    prepare,
    to_matrix,
    train,
)
from civicdesk.routing.tests.factories import bilingual_examples


@pytest.fixture(scope="module")
def bilingual():
    return train([e.as_example() for e in bilingual_examples()])


def _test_rows(lang=None):
    return [
        e.as_example()
        for e, row in zip(
            bilingual_examples("harbour_test.csv"),
            __import__("civicdesk.routing.tests.factories", fromlist=["x"]).bilingual_rows(
                "harbour_test.csv"
            ),
            strict=True,
        )
        if lang is None or row["lang"] == lang
    ]


def _top1(model, rows):
    proba = model.predict_proba(rows)
    predicted = np.array(model.labels)[proba.argmax(axis=1)]
    return float(np.mean(predicted == np.array([r.label for r in rows])))


def test_normalise_folds_width_and_case_and_bounds_length():
    assert normalise_text("  ＬＩＦＴ  Broken\n\n ") == "lift broken"
    assert len(normalise_text("x" * (MAX_TEXT_CHARS * 5))) == MAX_TEXT_CHARS
    assert normalise_text(None) == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_routes_unseen_sentences_in_english_and_chinese(bilingual, lang):
    assert _top1(bilingual.model, _test_rows(lang)) >= 0.8


def test_one_case_at_a_time_gives_the_pipelines_probabilities(bilingual):
    model = bilingual.model
    for row in _test_rows():
        one = model.predict_proba([row])[0]
        reference = model.pipeline.predict_proba(to_matrix([row]))[0]
        assert np.allclose(one, reference, atol=1e-6)
        assert one.sum() == pytest.approx(1.0)


def test_explanation_names_the_words_of_the_case(bilingual):
    model = bilingual.model
    english = Example(text="The lift is broken and water is leaking from the ceiling")
    terms = [t.term for t in model.explain(english, "MAINT")]
    assert terms and any("lift" in t or "leak" in t or "ceiling" in t for t in terms)
    chinese = Example(text="天花板漏水，升降機壞了")
    terms = [t.term for t in model.explain(chinese, "MAINT")]
    assert any(t in "天花板漏水，升降機壞了" for t in terms)
    assert all(t.weight > 0 for t in model.explain(chinese, "MAINT"))
    assert model.explain(chinese, "NO_SUCH_LABEL") == []


def test_empty_and_huge_text_still_give_a_distribution(bilingual):
    model = bilingual.model
    for text in ("", "   ", "漏" * 200_000, "lift " * 100_000):
        proba = model.predict_proba([Example(text=text)])[0]
        assert proba.shape == (3,)
        assert proba.sum() == pytest.approx(1.0)


def test_threshold_is_the_lowest_confidence_that_keeps_the_precision():
    confidence = np.linspace(1.0, 0.01, 100)
    correct = np.ones(100, dtype=bool)
    correct[60:] = False  # the 40 least confident are all wrong
    correct[[10, 30]] = False  # two mistakes among the sure ones
    threshold = choose_threshold(confidence, correct, precision_target=0.95)
    chosen = confidence >= threshold
    assert correct[chosen].mean() >= 0.95
    assert chosen.sum() == 61  # 58 right out of 61 = 95.1%; one more would be 93.5%


def test_no_threshold_without_enough_support():
    assert choose_threshold(np.array([0.9] * 5), np.ones(5, bool), precision_target=0.9) == (
        NO_AUTO_ROUTE
    )
    assert choose_threshold(np.array([]), np.array([], bool), precision_target=0.9) == (
        NO_AUTO_ROUTE
    )


def test_evaluation_counts_unseen_labels_as_wrong_and_shows_them():
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    result = evaluate_predictions(
        labels=["A", "B"], y_true=["A", "B", "C"], proba=proba, threshold=0.85
    )
    assert result["top1"] == pytest.approx(2 / 3, abs=1e-3)
    assert result["unseen_labels"] == ["C"]
    assert result["labels"] == ["A", "B", "C"]
    assert result["confusion"][2] == [1, 0, 0]
    assert result["coverage"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["precision_routed"] == 1.0
    per = {p["label"]: p for p in result["per_label"]}
    assert per["C"]["recall"] == 0.0 and not per["C"]["known"]


def test_labels_with_a_handful_of_cases_are_left_to_triage():
    examples = [Example(text=f"lift broken {i}", label="MAINT") for i in range(6)]
    examples += [Example(text=f"bus late {i}", label="TRANSPORT") for i in range(6)]
    examples += [Example(text="tree fell", label="TREES")] * 2
    examples += [Example(text="", label="MAINT"), Example(text="no label")]
    prepared = prepare(examples)
    assert prepared.labels == ["MAINT", "TRANSPORT"]
    assert prepared.dropped == {"TREES": 2}
    assert len(prepared.examples) == 12


def test_one_destination_is_not_enough_to_learn():
    with pytest.raises(RoutingDataError, match="at least two destinations"):
        prepare([Example(text=f"lift {i}", label="MAINT") for i in range(20)])


def test_small_departments_train_without_crashing():
    examples = [Example(text=f"lift broken block {i}", label="MAINT") for i in range(30)]
    examples += [Example(text=f"bus {i} late again", label="BUS") for i in range(5)]
    result = train(examples)
    assert set(result.model.labels) == {"MAINT", "BUS"}
    assert 0 <= result.evaluation["coverage"] <= 1


def test_categorical_hints_carry_signal_when_text_does_not():
    examples = [
        Example(text="please help", channel="open311", label="ROADS") for _ in range(15)
    ] + [Example(text="please help", channel="counter", label="LIC") for _ in range(15)]
    model = train(examples).model
    ranked = model.rank(Example(text="please help", channel="open311"))
    assert ranked[0].label == "ROADS"


def test_a_big_history_trains_once_and_evaluates_on_held_back_cases(monkeypatch):
    from civicdesk.routing import model as routing_model
    from civicdesk.routing.synthetic import AGENCY_DEPARTMENTS, history
    from civicdesk.routing.tests.factories import HISTORY_START

    monkeypatch.setattr(routing_model, "LARGE_HISTORY", 1000)
    monkeypatch.setattr(routing_model, "HOLDOUT_CASES", 400)
    departments = [d for deps in AGENCY_DEPARTMENTS.values() for d in deps]
    rows = history(
        departments=departments, n=1500, start=HISTORY_START, end=HISTORY_START.replace(month=3)
    )
    result = train([r.as_example() for r in rows])
    assert result.evaluation["n"] == 200  # the evaluation half of the held-back cases
    assert "held-back" in result.evaluation["method"]
    assert result.evaluation["top1"] >= 0.8
    assert len(result.positions) == 200
    example = rows[result.positions[0]].as_example()
    assert np.allclose(
        result.model.predict_proba([example])[0],
        result.model.pipeline.predict_proba(to_matrix([example]))[0],
        atol=1e-6,
    )
    assert result.model.explain(example, result.model.rank(example)[0].label)


def test_chinese_alone_is_learned_from_characters():
    """Simplified Chinese only, no spaces and no tokenizer: character n-grams carry it."""
    import csv

    from civicdesk.routing.tests.factories import DATA

    with (DATA / "zh_simplified.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    examples = [Example(text=r["text"], label=r["label"]) for r in rows if r["split"] == "train"]
    held_out = [Example(text=r["text"], label=r["label"]) for r in rows if r["split"] == "test"]
    model = train(examples).model
    assert _top1(model, held_out) >= 0.8
    names = set(model.pipeline.named_steps["features"].get_feature_names_out())
    assert {"char__水", "char__垃圾", "char__电梯"} <= names  # single characters and pairs
    assert model.rank(Example(text="楼道里的垃圾没人清理"))[0].label == "CLEANSING"
