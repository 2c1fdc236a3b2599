"""Journey 7, the manager's week: what the staffing, redeployment and performance pages show a
manager who has never seen them, in his language, and how they answer bad input."""

import re

import pytest
import time_machine
from django.conf import settings

from civicdesk.insights import staffing
from civicdesk.insights.models import StaffingRun
from civicdesk.insights.tests.factories import (
    TODAY,
    WEEK,
    rent_office,
    roster_short_here_spare_there,
)
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def qsm_client(client, agency):
    client.force_login(StaffFactory(agency=agency, role=Role.QSM).user)
    return client


def _site_page(client, site, day, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/staff/insights/sites/{site.pk}/?week={WEEK}&day={day}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_simulated_service_level_is_shown_as_simulated_not_zero(qsm_client, offices):
    rows = StaffingRun.objects.get(site=offices["north"]).result["rows"]
    row = next(r for r in rows if r["day"] == offices["day"] and r["required"] > 0)
    assert row["simulated_level"] > 0.5
    html = _site_page(qsm_client, offices["north"], offices["day"])
    roster = html[html.index('id="roster"') :]
    assert f"{100 * row['simulated_level']:.1f}%" in roster


def test_charts_have_readable_labels_and_the_coverage_chart_its_table(qsm_client, offices):
    html = _site_page(qsm_client, offices["north"], offices["day"])
    demand_chart = html[html.index('id="demand-chart-t"') : html.index("</svg>")]
    labels = re.findall(r'class="pledge-chart__label"[^>]*>([^<]*)<', demand_chart)
    assert "10" in labels and not any(label.startswith(":") for label in labels)
    table = html[html.index('id="coverage-table"') :]
    table = table[: table.index("</table>")]
    rows = StaffingRun.objects.get(site=offices["north"]).result["rows"]
    planned = [r for r in rows if r["day"] == offices["day"] and r["planned"] is not None]
    short = sum(1 for r in planned if r["gap"] < 0)
    assert short  # the roster plans nobody at North on the first morning
    assert f"day={offices['day']}#roster" in table
    assert f">{short} / {len(planned)}<" in table
    assert f"{100 * (len(planned) - short) / len(planned):.1f}%" in table


def test_channels_and_service_time_kinds_are_named_not_coded(qsm_client, offices):
    run = StaffingRun.objects.get(site=offices["north"])
    run.result["services"][0]["service_kind"] = "empirical"  # 30 or more measured visits
    run.save(update_fields=["result"])
    html = _site_page(qsm_client, offices["north"], offices["day"])
    assert "Kiosk: " in html and "kiosk: " not in html
    assert "(measured)" in html and "(empirical)" not in html


def test_weekdays_and_days_follow_the_language_of_the_request(qsm_client, offices):
    html = _site_page(qsm_client, offices["north"], offices["day"], language="zh-hant")
    demand_table = html[html.index('id="demand-table"') :]
    assert "星期一" in demand_table[: demand_table.index("</thead>")]
    days = html[html.index('class="govuk-list insights-days"') :]
    assert "Mon " not in days[: days.index("</ul>")]


def test_a_week_that_is_not_one_is_told_beside_the_form(qsm_client):
    response = qsm_client.get("/staff/insights/?week=2026-W60")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="week-error"' in html and "2026-W60" in html and "not a week" in html
    assert 'aria-describedby="week-error"' in html


def test_advice_is_not_computed_for_weeks_far_ahead(qsm_client, agency):
    site = rent_office(agency, "Lone Office", advice=False)
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(staffing.BadWeek):
            staffing.run_request(site=site, week="2090-W01")
        staffing.run_request(site=site, week="2027-W05")  # eight months ahead: fine
        response = qsm_client.post(
            f"/staff/insights/sites/{site.pk}/request/", {"week": "9000-W01"}
        )
    assert response.status_code == 400
    assert not StaffingRun.objects.filter(site=site, week="9000-W01").exists()


def test_each_accept_button_names_its_own_move(client, agency, offices):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=admin.user, name="phone", confirmed=True)
    client.force_login(admin.user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/staff/two-factor/", {"token": code})
    html = client.get(f"/staff/insights/agencies/{agency.pk}/redeploy/?week={WEEK}").text
    names = re.findall(r'class="govuk-visually-hidden"> ([^<]+)</span></button>', html)
    assert names and len(names) == len(set(names))
    assert any("morning from South Office: A Rent to North Office: A Rent" in n for n in names)


@pytest.mark.parametrize(
    "query",
    [
        "period=month&on=0001-01-01",
        "period=month&on=9999-12-31",
        "period=week&on=0001-01-01",
        "period=week&on=9999-12-31",
        "period=custom&date_from=0001-01-01&date_to=0001-01-03",
    ],
)
def test_performance_dates_off_the_calendar_are_an_error_not_a_500(qsm_client, query):
    response = qsm_client.get(f"/staff/insights/performance/?{query}")
    assert response.status_code == 422
    assert "Enter a date from 2000 to 2099." in response.content.decode()


def test_performance_select_errors_are_translated(qsm_client):
    qsm_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    response = qsm_client.get("/staff/insights/performance/?period=zzz&on=someday")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_period-error"' in html and 'id="id_on-error"' in html  # a select, a text field
    assert ">Error:<" not in html and html.count("錯誤：") >= 2


def test_peak_counters_add_up_the_services_open_at_the_same_time(qsm_client, agency):
    from civicdesk.insights.models import RunStatus
    from civicdesk.organisations.tests.factories import SiteFactory

    site = SiteFactory(agency=agency, name="Two Queue Office")

    def row(service, time, required):
        return {"service": service, "day": "2026-06-01", "time": time, "forecast": 1.0,
                "required": required, "planned": None, "gap": None}  # fmt: skip

    rows = [row(1, "10:00", 2), row(2, "10:00", 3), row(1, "11:00", 4), row(2, "11:00", 0)]
    StaffingRun.objects.create(
        site=site, week=WEEK, status=RunStatus.DONE, requested_at=TODAY, result={"rows": rows}
    )
    html = qsm_client.get(f"/staff/insights/?week={WEEK}").content.decode()
    cells = re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>',
        html[html.index("Two Queue Office") :],
    )
    # Forecast visitors, then the peak: 2 + 3 counters at 10:00 (not the 4 of one queue at 11:00).
    assert cells[1] == "5"


@pytest.mark.django_db(transaction=True)
def test_the_same_move_accepted_twice_at_once_moves_the_staff_once(agency, monkeypatch):
    import contextlib
    import threading

    from django.db import connection

    from civicdesk.core.errors import Conflict
    from civicdesk.insights import redeploy
    from civicdesk.insights.models import PlannedStaffing

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs row locks (PostgreSQL)")
    north, south = rent_office(agency, "North Office"), rent_office(agency, "South Office")
    day = roster_short_here_spare_there(north, south)
    move = next(m for m in redeploy.agency_plan(agency, WEEK)["moves"] if m["day"] == day)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    # Both requests work out the suggestion before either writes, unless a lock keeps the
    # second out until the first has committed (then the barrier times out and it goes on).
    both_planned = threading.Barrier(2)
    plan_of = redeploy.agency_plan

    def plan_then_wait(*args, **kwargs):
        plan = plan_of(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_planned.wait(timeout=3)
        return plan

    monkeypatch.setattr(redeploy, "agency_plan", plan_then_wait)
    outcomes = []

    def accept():
        try:
            redeploy.move_accept(
                actor=admin.user, agency=agency, week=WEEK, day=day, block=move["block"],
                from_service=move["from_service_id"], to_service=move["to_service_id"],
                staff=move["staff"],
            )  # fmt: skip
            outcomes.append("moved")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["moved", "refused"]
    south_plan = PlannedStaffing.objects.filter(site=south, starts_at__date=day)
    assert {p.staff for p in south_plan} == {9 - move["staff"]}
