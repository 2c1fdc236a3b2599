"""Who may see the insights pages, and what they show."""

import pytest
import time_machine

from civicdesk.audit.models import AuditEntry
from civicdesk.insights import staffing
from civicdesk.insights.models import RunStatus, StaffingRun
from civicdesk.insights.tests.factories import TODAY, WEEK, steady_history
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.queues.tests.factories import CounterFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(agency, other_agency):
    north = SiteFactory(agency=agency, name="North Office")
    south = SiteFactory(agency=agency, name="South Office")
    far = SiteFactory(agency=other_agency, name="Far Office")
    for site in (north, south, far):
        service = ServiceFactory(site=site, prefix="A", name="Rent", default_service_minutes=5)
        CounterFactory(site=site, services=[service])
        steady_history(service, weeks=6)
    with time_machine.travel(TODAY, tick=False):
        for site in (north, south):
            staffing.site_week(site, WEEK)
    return {"north": north, "south": south, "far": far}


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_frontline_and_trainers_may_not_see(client, city, agency):
    for role in (Role.FRONTLINE, Role.TRAINER):
        staff = StaffFactory(agency=agency, role=role, sites=[city["north"]])
        assert _get(client, staff.user, "/staff/insights/").status_code == 403
        assert (
            _get(client, staff.user, f"/staff/insights/sites/{city['north'].pk}/").status_code
            == 404
        )


def test_team_lead_sees_only_their_sites(client, city, agency):
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD, sites=[city["north"]])
    home = _get(client, lead.user, f"/staff/insights/?week={WEEK}")
    assert home.status_code == 200
    assert "North Office" in home.text and "South Office" not in home.text
    assert "Redeployment across sites" not in home.text
    assert (
        _get(
            client, lead.user, f"/staff/insights/sites/{city['north'].pk}/?week={WEEK}"
        ).status_code
        == 200
    )
    assert _get(client, lead.user, f"/staff/insights/sites/{city['south'].pk}/").status_code == 404
    redeploy = f"/staff/insights/agencies/{agency.pk}/redeploy/?week={WEEK}"
    assert _get(client, lead.user, redeploy).status_code == 403


def test_quality_manager_sees_the_agency_not_others(client, city, agency, other_agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    home = _get(client, qsm.user, f"/staff/insights/?week={WEEK}")
    assert "North Office" in home.text and "South Office" in home.text
    assert "Far Office" not in home.text
    assert _get(client, qsm.user, f"/staff/insights/sites/{city['far'].pk}/").status_code == 404
    ok = _get(client, qsm.user, f"/staff/insights/agencies/{agency.pk}/redeploy/?week={WEEK}")
    assert ok.status_code == 200 and "Gap closed by the moves" in ok.text
    other = f"/staff/insights/agencies/{other_agency.pk}/redeploy/?week={WEEK}"
    assert _get(client, qsm.user, other).status_code == 403


def test_site_page_shows_demand_forecast_staffing_and_csv(client, city, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    page = _get(
        client, qsm.user, f"/staff/insights/sites/{city['north'].pk}/?week={WEEK}&day=2026-06-01"
    )
    text = page.text
    for part in ("Mean visitors arriving per hour", "Forecast error (WAPE)", "Simulated service level",
                 'role="img"', "Required and planned staff on 2026-06-01"):  # fmt: skip
        assert part in text
    csv = _get(
        client, qsm.user, f"/staff/insights/sites/{city['north'].pk}/staffing.csv?week={WEEK}"
    )
    assert csv.status_code == 200
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("day,time,service,forecast_arrivals,required")
    assert any(line.startswith("2026-06-01,10:00,A Rent,2") for line in lines)


def test_asking_for_advice_is_audited_and_queued(client, city, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.force_login(qsm.user)
    response = client.post(
        f"/staff/insights/sites/{city['south'].pk}/request/", {"week": "2026-W30"}
    )
    assert response.status_code == 302
    run = StaffingRun.objects.get(site=city["south"], week="2026-W30")
    assert run.status == RunStatus.PENDING
    assert AuditEntry.objects.filter(action="insights.staffing_requested").count() == 1
    page = client.get(f"/staff/insights/sites/{city['south'].pk}/?week=2026-W30")
    assert "Waiting to run" in page.text


def test_a_bad_week_is_a_400(client, city, agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    assert _get(client, qsm.user, "/staff/insights/?week=soon").status_code == 400


def test_periodic_job_computes_pending_runs(city):
    from civicdesk.insights.tasks import compute_pending

    staffing.run_request(site=city["far"], week=WEEK)
    with time_machine.travel(TODAY, tick=False):
        assert compute_pending() == {"computed": 1, "failed": 0}
    assert StaffingRun.objects.get(site=city["far"], week=WEEK).status == RunStatus.DONE
