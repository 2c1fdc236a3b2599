"""Selectors other apps use (pledges, workforce) over any set of responses."""

from datetime import timedelta

import pytest

from civicdesk.core.clock import now
from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.surveys.models import Response
from civicdesk.surveys.selectors import evaluation_in, scores_by, scores_in
from civicdesk.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def test_scores_in_and_by_month(agency):
    site = SiteFactory(agency=agency)
    for csat, nps in ((5, 10), (4, 8), (2, 3), (1, None)):
        ResponseFactory(agency=agency, site=site, csat=csat, nps=nps)
    ResponseFactory(agency=agency, site=site, csat=5, answered_at=now() - timedelta(days=62))
    overall = scores_in(Response.objects.filter(site=site))
    assert overall.n == 5 and overall.csat.value == pytest.approx(60.0)
    assert overall.nps.n == 3 and overall.nps.value == pytest.approx(0.0)  # 1 promoter, 1 detractor
    months = scores_by(Response.objects.filter(site=site), "month")
    assert [m.n for m in months] == [1, 4]


def test_evaluation_in_needs_no_user(agency):
    site = SiteFactory(agency=agency)
    start = now() - timedelta(days=40)
    for i in range(30):
        ResponseFactory(agency=agency, site=site, ces=3 + i % 2, answered_at=start)
        ResponseFactory(
            agency=agency, site=site, ces=5 + i % 2, answered_at=start + timedelta(days=30)
        )
    day = start.date()
    result = evaluation_in(
        Response.objects.filter(agency=agency),
        scope_field="site_id",
        scope_values=[site.pk],
        before=(day, day + timedelta(days=1)),
        after=(day + timedelta(days=29), day + timedelta(days=31)),
    )
    ces = result.comparisons[2]
    assert ces.n_before == ces.n_after == 30 and ces.difference == pytest.approx(2.0)
