"""Pages through Django's test client: answering, results, comments, CSV, evaluation."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from civicdesk.core.clock import now
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import (
    TEST_PASSWORD,
    AgencyFactory,
    DepartmentFactory,
    SiteFactory,
    StaffFactory,
)
from civicdesk.surveys import services
from civicdesk.surveys.models import Response
from civicdesk.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def signed_in(client, role, agency, **kwargs):
    profile = StaffFactory(agency=agency, role=role, **kwargs)
    client.login(username=profile.user.username, password=TEST_PASSWORD)
    return profile


def test_answer_page_speaks_the_visitors_language(client, agency):
    invitation = services.survey_invite(agency=agency, language="zh-hant")
    page = client.get(reverse("surveys:answer", args=[invitation.token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="zh-hant"' in html
    assert "整體而言，您對所得到的服務有多滿意？" in html
    assert 'name="recommend"' in html and 'value="10"' in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_answer_page_shows_errors_keeps_answers_then_thanks(client, agency):
    invitation = services.survey_invite(agency=agency, language="en")
    url = reverse("surveys:answer", args=[invitation.token])
    page = client.post(url, {"trust": "4", "went_well": "Kind staff"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "There is a problem" in html and 'href="#q-satisfied-1"' in html
    assert "Kind staff" in html  # nothing typed is lost
    assert 'value="4" checked' in html
    assert Response.objects.count() == 0
    done = client.post(url, {"satisfied": "4", "trust": "4", "went_well": "Kind staff"})
    assert done.status_code == 302 and "/survey/thanks/" in done["Location"]
    assert Response.objects.get().csat == 4
    again = client.post(url, {"satisfied": "1"})
    assert again.status_code == 409
    assert "already been answered" in again.content.decode()
    assert Response.objects.get().csat == 4  # counted once


def test_forged_and_expired_links_get_clear_pages(client, agency):
    page = client.get(reverse("surveys:answer", args=["forged-token"]))
    assert page.status_code == 404 and "could not find this survey link" in page.content.decode()
    invitation = services.survey_invite(agency=agency)
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        page = client.get(reverse("surveys:answer", args=[invitation.token]))
    assert page.status_code == 410 and "expired" in page.content.decode()
    assert reverse("surveys:suggest", args=[agency.code]) in page.content.decode()


def _history(agency):
    a, b = SiteFactory(agency=agency, name="Alpha"), SiteFactory(agency=agency, name="Beta")
    dept = DepartmentFactory(agency=agency)
    officer = StaffFactory(agency=agency, display_name="Officer Wong")
    for score in (5, 5, 4, 2):
        ResponseFactory(
            agency=agency, site=a, department=dept, officer=officer, csat=score, nps=9, ces=6
        )
    ResponseFactory(agency=agency, site=b, csat=1, nps=0, ces=2)
    return a, b, dept, officer


def test_results_by_site_with_counts_and_intervals(client, agency):
    a, b, _dept, _officer = _history(agency)
    signed_in(client, Role.QSM, agency)
    page = client.get(reverse("surveys:results"), {"group_by": "site"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "5 responses" in html
    assert f'data-key="{a.pk}"' in html and f'data-key="{b.pk}"' in html
    assert "75.0 (" in html  # Alpha: 3 of 4 satisfied
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    # Drill down: Alpha's row links to Alpha by officer.
    assert (
        f"?group_by=officer&amp;site={a.pk}" in html or f"site={a.pk}&amp;group_by=officer" in html
    )
    narrowed = client.get(reverse("surveys:results"), {"site": a.pk, "group_by": "officer"})
    html = narrowed.content.decode()
    assert "4 responses" in html and "Officer Wong" in html
    assert 'data-testid="active-filters"' in html


def test_team_lead_sees_only_their_sites_frontline_sees_nothing(client, agency):
    a, b, _dept, _officer = _history(agency)
    signed_in(client, Role.TEAM_LEAD, agency, sites=[b])
    html = client.get(reverse("surveys:results")).content.decode()
    assert "1 response" in html and f'data-key="{a.pk}"' not in html
    client.logout()
    signed_in(client, Role.FRONTLINE, agency, sites=[a])
    assert client.get(reverse("surveys:results")).status_code == 403
    ResponseFactory(agency=AgencyFactory(code="ZZZ"), csat=5)  # another agency's
    client.logout()
    signed_in(client, Role.EXECUTIVE, agency)
    assert "5 responses" in client.get(reverse("surveys:results")).content.decode()


def test_results_page_query_count_does_not_grow_with_rows(
    client, agency, django_assert_max_num_queries
):
    _history(agency)
    for _ in range(5):
        ResponseFactory(agency=agency, site=SiteFactory(agency=agency), csat=3)
    signed_in(client, Role.QSM, agency)
    with django_assert_max_num_queries(12):
        client.get(reverse("surveys:results"), {"group_by": "site"})


def test_comments_show_officer_name_only_where_allowed(client, agency):
    a, _b, _dept, officer = _history(agency)
    invitation = services.survey_invite(agency=agency, site=a, officer=officer)
    services.response_submit(
        token=invitation.token, answers={"satisfied": "5", "went_well": "Very patient officer"}
    )
    signed_in(client, Role.QSM, agency)
    html = client.get(reverse("surveys:comments")).content.decode()
    assert "Very patient officer" in html and "Officer Wong" not in html
    assert "What went well?" in html
    other = client.get(reverse("surveys:comments"), {"site": _b.pk}).content.decode()
    assert "Very patient officer" not in other  # narrowed to another site
    policy = services.survey_policy_for(agency)
    policy.show_officer_names = True
    policy.save()
    html = client.get(reverse("surveys:comments")).content.decode()
    assert "Officer Wong" in html


def test_csv_export_has_context_and_neutralises_formulas(client, agency):
    a, _b, _dept, _officer = _history(agency)
    invitation = services.survey_invite(agency=agency, site=a, service_key="RENT")
    services.response_submit(
        token=invitation.token, answers={"satisfied": "5", "went_well": "=HYPERLINK(1)"}
    )
    signed_in(client, Role.QSM, agency)
    response = client.get(reverse("surveys:export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 6
    rent = next(r for r in rows if r["service_key"] == "RENT")
    assert rent["site"] == a.code and rent["csat"] == "5"
    assert not rent["answers"].startswith("=")
    assert rows[0]["officer"] == ""  # names hidden by default


def test_evaluation_page_finds_an_improvement(client, agency):
    better, same = SiteFactory(agency=agency, name="Better"), SiteFactory(agency=agency)
    start = now() - timedelta(days=60)
    for i in range(40):
        for site, before, after in ((better, 2, 5), (same, 3, 3)):
            ResponseFactory(agency=agency, site=site, csat=before - (i % 2), nps=5, ces=3,
                            answered_at=start + timedelta(days=i % 20))  # fmt: skip
            ResponseFactory(agency=agency, site=site, csat=after - (i % 2), nps=9, ces=6 if site == better else 3,
                            answered_at=start + timedelta(days=35 + i % 20))  # fmt: skip
    signed_in(client, Role.QSM, agency)
    day = start.date()
    page = client.get(
        reverse("surveys:evaluate"),
        {
            "scope_type": "site",
            "scopes": [str(better.pk)],
            "before_from": day.isoformat(),
            "before_to": (day + timedelta(days=25)).isoformat(),
            "after_from": (day + timedelta(days=30)).isoformat(),
            "after_to": (day + timedelta(days=60)).isoformat(),
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="explain-ces" data-verdict="significant"' in html
    assert "more than the general trend" in html


def test_evaluation_form_rejects_overlapping_periods(client, agency):
    site = SiteFactory(agency=agency)
    ResponseFactory(agency=agency, site=site, csat=5)
    signed_in(client, Role.QSM, agency)
    page = client.get(
        reverse("surveys:evaluate"),
        {
            "scope_type": "site",
            "scopes": [str(site.pk)],
            "before_from": "2026-01-01",
            "before_to": "2026-03-01",
            "after_from": "2026-02-01",
            "after_to": "2026-04-01",
        },
    )
    assert "The after period must start after the before period ends." in page.content.decode()


def test_settings_page_saves_policy_for_qsm(client, agency):
    signed_in(client, Role.QSM, agency)
    page = client.post(
        reverse("surveys:definition"),
        {"sampling_rate": "0.250", "quiet_days": "60", "link_valid_days": "7"},
    )
    assert page.status_code == 302
    policy = services.survey_policy_for(agency)
    assert float(policy.sampling_rate) == 0.25 and policy.quiet_days == 60
    assert not policy.show_officer_names
    html = client.get(reverse("surveys:definition")).content.decode()
    assert "Overall, how satisfied" in html


def test_results_show_trust_and_driver_statements(client, agency):
    for trust in ("5", "4", "2"):
        invitation = services.survey_invite(agency=agency)
        services.response_submit(
            token=invitation.token, answers={"satisfied": "4", "trust": trust, "easy": "5"}
        )
    signed_in(client, Role.QSM, agency)
    html = client.get(reverse("surveys:results")).content.decode()
    assert "This visit increased my trust in the agency." in html
    assert 'data-key="trust"' in html
    start = html.index('data-key="trust"')
    assert "66.7 (" in html[start : start + 400]  # 2 of 3 agree


def test_response_rate_counts_invitations_answered(client, agency):
    invitations = [services.survey_invite(agency=agency) for _ in range(4)]
    services.response_submit(token=invitations[0].token, answers={"satisfied": "5"})
    signed_in(client, Role.QSM, agency)
    html = client.get(reverse("surveys:results")).content.decode()
    assert "25% (1 of 4 invitations answered)" in html


def test_the_count_of_responses_ends_as_the_language_ends_a_sentence(client, agency):
    _history(agency)
    signed_in(client, Role.QSM, agency)
    english = client.get(reverse("surveys:results"), HTTP_ACCEPT_LANGUAGE="en")
    assert "5 responses. Figures in brackets" in english.content.decode()
    chinese = client.get(reverse("surveys:results"), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "5個回應。" in chinese.content.decode() and "個回應." not in chinese.content.decode()
