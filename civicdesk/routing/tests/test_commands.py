"""`civicdesk routing evaluate` and `civicdesk routing train`, run as a person would."""

import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from civicdesk.routing.tests.factories import CFPB, DATA

KEYS = {
    "top1",
    "top3",
    "macro_f1",
    "coverage_at_95",
    "ms_per_case",
    "baseline_top1",
    "n_train",
    "n_test",
}


def _evaluate(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "civicdesk", "routing", "evaluate", *args],
        capture_output=True,
        text=True,
        check=False,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "civicdesk.config.settings.test",
        },
    )


def test_evaluate_prints_exactly_one_json_object_and_progress_on_stderr():
    done = _evaluate(
        "--train",
        str(DATA / "harbour_train.csv"),
        "--test",
        str(DATA / "harbour_test.csv"),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # the keys, CPU time, and which features the model used
    assert set(result) == KEYS | {"ms_per_case_cpu", "features"}
    assert result["features"] == "tfidf"
    assert result["n_train"] == 60 and result["n_test"] == 18
    assert result["top1"] >= 0.8
    assert result["top1"] >= result["baseline_top1"]  # Chinese needs the character n-grams
    assert 0 <= result["coverage_at_95"] <= 1
    assert result["ms_per_case"] > 0 and result["ms_per_case_cpu"] >= 0
    assert "training" in done.stderr


def _write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return str(path)


def test_wrong_column_names_the_columns_there_are(tmp_path):
    train = _write(tmp_path, "t.csv", "body,dept\nlift broken,MAINT\n")
    with pytest.raises(CommandError, match=r"no column 'text'.*'body', 'dept'"):
        call_command("routing", "evaluate", "--train", train, "--test", train)


def test_columns_can_be_named(tmp_path, capsys):
    rows = "".join(f"lift broken {i},MAINT\nbus late {i},BUS\n" for i in range(10))
    train = _write(tmp_path, "t.csv", "body,dept\n" + rows)
    call_command(
        "routing",
        "evaluate",
        "--train",
        train,
        "--test",
        train,
        "--text-column",
        "body",
        "--label-column",
        "dept",
        "--json",
    )
    assert json.loads(capsys.readouterr().out)["n_test"] == 20


def test_a_file_that_is_not_utf8_is_refused_with_advice(tmp_path):
    train = _write(tmp_path, "t.csv", "text,label\ncafé closed,SHOPS\n", encoding="latin-1")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("routing", "evaluate", "--train", train, "--test", train)


@pytest.mark.parametrize("content", ["", "text,label\n", "text,label\nno label here,\n"])
def test_empty_files_are_refused(tmp_path, content):
    train = _write(tmp_path, "t.csv", content)
    with pytest.raises(CommandError):
        call_command("routing", "evaluate", "--train", train, "--test", train)


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("routing", "evaluate", "--train", str(tmp_path / "x.csv"), "--test", "y")


def test_unseen_labels_in_the_test_file_count_as_wrong(tmp_path, capsys):
    rows = "".join(f"lift broken {i},MAINT\nbus late {i},BUS\n" for i in range(10))
    train = _write(tmp_path, "train.csv", "text,label\n" + rows)
    test = _write(tmp_path, "test.csv", "text,label\nlift broken,MAINT\ntree fell,TREES\n")
    call_command("routing", "evaluate", "--train", train, "--test", test, "--json")
    out = capsys.readouterr()
    result = json.loads(out.out)
    assert result["n_test"] == 2 and result["top1"] == 0.5
    assert "TREES" in out.err


@pytest.mark.skipif(not CFPB.exists(), reason=f"{CFPB} (shared development data) is absent")
def test_cfpb_complaints_beat_chance_by_far(tmp_path):
    lines = CFPB.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    train = _write(tmp_path, "train.csv", "\n".join([header, *body[::2]]) + "\n")
    test = _write(tmp_path, "test.csv", "\n".join([header, *body[1::2]]) + "\n")
    done = _evaluate("--train", train, "--test", test, "--json")
    result = json.loads(done.stdout)
    assert result["n_train"] == 250 and result["n_test"] == 250
    assert result["top1"] >= 0.65 and result["top3"] >= 0.9  # chance is 0.2 and 0.6


@pytest.mark.django_db
def test_train_from_the_database_reports_why_it_cannot(agency):
    # Until the cases app is wired, the adapter has no history to learn from.
    with pytest.raises(CommandError, match="two destinations"):
        call_command("routing", "train", "--agency", agency.code)
    with pytest.raises(CommandError, match="No agency"):
        call_command("routing", "train", "--agency", "NOPE")


@pytest.mark.django_db
def test_train_from_the_database_with_history(agency, monkeypatch, capsys):
    from civicdesk.routing import services
    from civicdesk.routing.tests.factories import bilingual_examples, departments_for

    departments_for(agency)
    monkeypatch.setattr(services, "routing_examples", lambda agency: bilingual_examples())
    call_command("routing", "train", "--agency", agency.code)
    out = capsys.readouterr()
    assert "Version 1: 60 cases" in out.out and "serving" in out.out
    assert "100%" in out.err
