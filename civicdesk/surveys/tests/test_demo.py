"""`civicdesk demo` adds six months of answers with a findable improvement, and only once."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from civicdesk.core.clock import now
from civicdesk.organisations.models import Site
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.surveys.demo import IMPROVEMENT_DAYS_AGO
from civicdesk.surveys.models import Answer, Invitation, Response, Suggestion
from civicdesk.surveys.selectors import evaluation_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_answers_are_idempotent_and_the_improvement_is_found():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "/s/" in out.getvalue()
    assert Invitation.objects.filter(source="demo", answered_at=None).count() == 1
    responses, answers = Response.objects.count(), Answer.objects.count()
    assert responses > 2000
    oldest = Response.objects.order_by("answered_at").first().answered_at
    assert now() - oldest > timedelta(days=170)
    assert Suggestion.objects.count() == 6
    invitations = Invitation.objects.count()  # the demo one, and those of closed demo cases
    call_command("demo", stdout=io.StringIO())
    assert Invitation.objects.count() == invitations
    assert (Response.objects.count(), Answer.objects.count()) == (responses, answers)
    assert Suggestion.objects.count() == 6

    site = Site.objects.get(agency__code="HSG", code="HCC")
    qsm = StaffFactory(agency=site.agency, role=Role.QSM).user
    change = (now() - timedelta(days=IMPROVEMENT_DAYS_AGO)).date()
    evaluation = evaluation_for(
        qsm,
        scope_field="site_id",
        scope_values=[site.pk],
        before=(change - timedelta(days=90), change - timedelta(days=1)),
        after=(change, now().date()),
    )
    for comparison in evaluation.comparisons:
        assert comparison.verdict == "significant", comparison.explanation
        assert comparison.difference > 0
        assert comparison.did is not None and comparison.did_p_value < 0.05
