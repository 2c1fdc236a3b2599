"""Editing the survey in the browser-facing form publishes a new version."""

import pytest
from django.urls import reverse

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import TEST_PASSWORD, StaffFactory
from civicdesk.surveys import services

pytestmark = pytest.mark.django_db


def _post_from_page(survey):
    from civicdesk.surveys.editor import rows_from_version

    rows = rows_from_version(survey.current_version)
    data = {"rows": str(len(rows))}
    for row in rows:
        i = row["position"]
        data[f"q{i}-key"] = row["key"]
        data[f"q{i}-new"] = "1" if row["new"] else "0"
        data[f"q{i}-kind"] = row["kind"]
        data[f"q{i}-order"] = str(i)
        if row["required"]:
            data[f"q{i}-required"] = "on"
        for lang, text in row["text"].items():
            data[f"q{i}-text-{lang}"] = text
    return data, rows


def test_qsm_edits_a_translation_removes_one_and_adds_one(client, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.login(username=qsm.user.username, password=TEST_PASSWORD)
    survey = services.survey_create_default(agency=agency)
    assert client.get(reverse("surveys:edit")).status_code == 200
    data, rows = _post_from_page(survey)
    data["q2-text-ms"] = "Saya lebih percaya agensi ini."
    data["q3-remove"] = "on"
    new = len(rows) - 1
    data[f"q{new}-text-en"] = "Was the counter easy to find?"
    data[f"q{new}-kind"] = "yes_no"
    data[f"q{new}-order"] = "1"
    response = client.post(reverse("surveys:edit"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    survey.refresh_from_db()
    version = survey.current_version
    assert version.number == 2
    keys = list(version.questions.values_list("key", flat=True))
    assert keys[0] == "was_the_counter_easy_to_find"
    assert "need_addressed" not in keys and len(keys) == 11
    assert version.questions.get(key="trust").text["ms"] == "Saya lebih percaya agensi ini."
    assert version.questions.get(key="satisfied").labels["low"]["en"] == "Very dissatisfied"
    # Version 1 still has what it had.
    v1 = survey.versions.get(number=1)
    assert v1.questions.count() == 11 and v1.questions.filter(key="need_addressed").exists()


def test_edit_without_english_text_is_refused_and_nothing_published(client, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.login(username=qsm.user.username, password=TEST_PASSWORD)
    survey = services.survey_create_default(agency=agency)
    data, _rows = _post_from_page(survey)
    data["q1-text-en"] = ""
    response = client.post(reverse("surveys:edit"), data)
    assert response.status_code == 422
    assert "needs an English text" in response.content.decode()
    survey.refresh_from_db()
    assert survey.current_version.number == 1


def test_team_lead_cannot_open_the_editor(client, agency):
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD)
    client.login(username=lead.user.username, password=TEST_PASSWORD)
    assert client.get(reverse("surveys:edit")).status_code == 403
