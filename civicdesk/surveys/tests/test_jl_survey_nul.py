"""A NUL character in a free-text answer is refused with a form error, never stored: PostgreSQL
text cannot hold it, so storing it was a 500 there (journey 4, survey answered in Malay)."""

import pytest
from django.urls import reverse

from civicdesk.surveys import services
from civicdesk.surveys.models import Response

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_free_text_answer_is_a_form_error_in_her_language(client, agency):
    invitation = services.survey_invite(agency=agency, language="ms")
    url = reverse("surveys:answer", args=[invitation.token])
    page = client.post(url, {"satisfied": "4", "went_well": "Baik\x00sekali"})
    assert page.status_code == 422
    html = page.content.decode()
    assert 'href="#q-went_well"' in html
    assert Response.objects.count() == 0
    done = client.post(url, {"satisfied": "4", "went_well": "Baik sekali"})
    assert done.status_code == 302
    assert Response.objects.get().csat == 4


def test_clean_answers_names_the_question_with_the_nul():
    from civicdesk.surveys import defaults
    from civicdesk.surveys.models import Question

    questions = [Question(position=i, **{k: v for k, v in q.items() if k != "labels"})
                 for i, q in enumerate(defaults.QUESTIONS, start=1)]  # fmt: skip
    cleaned, errors = services.clean_answers(questions, {"satisfied": "5", "not_well": "\x00"})
    assert "not_well" in errors and "not_well" not in cleaned
    assert cleaned["satisfied"] == 5
