"""Who may see the insights pages, and what they show."""

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.audit.models import AuditEntry
from civicdesk.insights import staffing
from civicdesk.insights.models import RunStatus, StaffingRun
from civicdesk.insights.tests.factories import TODAY, WEEK, rent_office
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(agency, other_agency):
    return {
        "north": rent_office(agency, "North Office"),
        "south": rent_office(agency, "South Office"),
        "far": rent_office(other_agency, "Far Office", advice=False),
    }


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
    # The moves into and out of their sites (test_staffing_lead_accepts_a_move.py).
    redeploy = f"/staff/insights/agencies/{agency.pk}/redeploy/?week={WEEK}"
    assert _get(client, lead.user, redeploy).status_code == 200


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
                 'role="img"', "Required and planned staff on Monday 1 June 2026"):  # fmt: skip
        assert part in text
    csv = _get(
        client, qsm.user, f"/staff/insights/sites/{city['north'].pk}/staffing.csv?week={WEEK}"
    )
    assert csv.status_code == 200
    assert csv.content.startswith("\ufeff".encode())  # Excel reads the Chinese names right
    lines = csv.content.decode("utf-8-sig").splitlines()
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


def test_an_agency_admin_accepts_a_suggested_move_into_the_roster(client, city, agency):
    from civicdesk.insights import redeploy
    from civicdesk.insights.models import PlannedStaffing
    from civicdesk.insights.tests.factories import roster_short_here_spare_there

    north, south = city["north"], city["south"]
    day = roster_short_here_spare_there(north, south)
    morning = [
        r
        for r in StaffingRun.objects.get(site=north).result["rows"]
        if r["day"] == day and r["time"] < "13:00"
    ]
    plan = redeploy.agency_plan(agency, WEEK)
    move = next(m for m in plan["moves"] if m["day"] == day and m["block"] == "am")
    assert (move["from_site"], move["to_site"]) == ("South Office", "North Office")
    post = {"week": WEEK, "day": day, "block": "am", "staff": move["staff"],
            "from_service": move["from_service_id"], "to_service": move["to_service_id"]}  # fmt: skip
    url = f"/staff/insights/agencies/{agency.pk}/redeploy/accept/"
    qsm = StaffFactory(agency=agency, role=Role.QSM)
    client.force_login(qsm.user)
    assert client.post(url, post).status_code == 403  # reads the advice, may not change the roster
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=admin.user, name="phone", confirmed=True)
    client.force_login(admin.user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/staff/two-factor/", {"token": code})
    page = client.get(f"/staff/insights/agencies/{agency.pk}/redeploy/?week={WEEK}")
    assert "Accept" in page.content.decode()
    too_many = client.post(url, {**post, "staff": move["staff"] + 1}, follow=True)
    assert "at most" in too_many.content.decode()
    done = client.post(url, post, follow=True)
    assert "Roster changed" in done.content.decode()
    north_plan = PlannedStaffing.objects.filter(site=north, starts_at__date=day)
    south_plan = PlannedStaffing.objects.filter(site=south, starts_at__date=day)
    assert {p.staff for p in north_plan} == {move["staff"]}
    assert {p.staff for p in south_plan} == {9 - move["staff"]}
    entry = AuditEntry.objects.get(action="insights.redeploy_accepted", actor=admin.user)
    assert entry.data["staff"] == move["staff"] and entry.data["intervals"] == 2 * len(morning)
    # The advice now carries the new roster, and the same move is no longer suggested in full.
    after = redeploy.agency_plan(agency, WEEK)
    assert after["short_before"] < plan["short_before"]
    again = client.post(url, post, follow=True)
    assert "no longer suggested" in again.content.decode() or "at most" in again.content.decode()
