"""Staffing advice on a small history, with the numbers worked out by hand."""

from datetime import datetime

import pytest
import time_machine

from civicdesk.insights import staffing
from civicdesk.insights.models import PlannedStaffing, RunStatus, StaffingTarget
from civicdesk.insights.tests.factories import HK, TODAY, WEEK, steady_history
from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.tests.factories import make_pledge
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(agency):
    site = SiteFactory(agency=agency, code="HCC")
    service = ServiceFactory(site=site, prefix="A", default_service_minutes=5)
    steady_history(service, weeks=26)  # the whole history the advice reads
    return service


def _row(result, day: str, time: str):
    (row,) = [r for r in result["rows"] if r["day"] == day and r["time"] == time]
    return row


def test_two_visitors_a_quarter_need_two_counters_for_90_within_20(service):
    # Every weekday, 2 visitors at 10:00-10:15 and none otherwise: the forecast is exactly 2,
    # i.e. 0.133/min, rounded up to 0.14/min. 5-minute service: load 0.7 Erlang.
    # One counter: P(wait) = 0.7, SL = 1 - 0.7·exp(-(1 - 0.7)·20/5) = 0.789 < 0.9.
    # Two counters: C(2, 0.7) = 0.18, SL = 1 - 0.18·exp(-1.3·4) = 0.999. So 2.
    with time_machine.travel(TODAY, tick=False):
        result = staffing.compute_site_week(service.site, WEEK)
    row = _row(result, "2026-06-01", "10:00")
    assert row["forecast"] == pytest.approx(2.0, abs=0.01)
    assert row["erlang"] == 2 and row["required"] == 2
    assert row["erlang_level"] == pytest.approx(0.999, abs=0.001)
    assert row["simulated_level"] >= 0.9
    assert row["simulated_one_fewer"] == pytest.approx(0.789, abs=0.05)
    quiet = _row(result, "2026-06-01", "11:00")
    assert quiet["forecast"] == 0 and quiet["required"] == 0
    assert not [r for r in result["rows"] if r["day"] == "2026-06-06"]  # closed on Saturday
    (info,) = result["services"]
    assert info["target_source"] == "default" and info["target_level"] == 0.9


def test_a_pledge_sets_the_target(service):
    # 75% within 20 minutes: one counter's 0.789 is enough.
    make_pledge(agency=service.site.agency, metric="tickets_within", target=75, threshold=20)
    with time_machine.travel(TODAY, tick=False):
        result = staffing.compute_site_week(service.site, WEEK)
    row = _row(result, "2026-06-01", "10:00")
    assert row["required"] == 1
    assert result["services"][0]["target_source"] == "pledge"


def test_a_site_target_applies_without_a_pledge(service):
    StaffingTarget.objects.create(site=service.site, level_percent=75, wait_minutes=20)
    target = staffing.target_for(service)
    assert (target.level, target.wait, target.source) == (0.75, 20.0, "site")


def test_plan_gaps_and_stored_runs(service):
    PlannedStaffing.objects.create(
        site=service.site,
        service=service,
        starts_at=datetime(2026, 6, 1, 10, 0, tzinfo=HK),
        staff=1,
    )
    with time_machine.travel(TODAY, tick=False):
        run = staffing.site_week(service.site, WEEK)
        assert run.status == RunStatus.DONE
        row = _row(run.result, "2026-06-01", "10:00")
        assert (row["planned"], row["gap"]) == (1, -1)
        PlannedStaffing.objects.update(staff=3)
        staffing.run_apply_plan(run)
        assert _row(run.result, "2026-06-01", "10:00")["gap"] == 1
        # Stored: asking again reads it back.
        assert staffing.site_week(service.site, WEEK).pk == run.pk


def test_weeks_are_checked():
    with pytest.raises(staffing.BadWeek):
        staffing.parse_week("next week")
    assert staffing.parse_week("2026-W49").isoformat() == "2026-11-30"


def test_cli_prints_the_advice_as_a_table_and_csv(service):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(TODAY, tick=False):
        table, csv_out = StringIO(), StringIO()
        call_command("insights", "staffing", "--site", "HCC", "--week", WEEK, stdout=table)
        call_command("insights", "staffing", "--site", "HCC", "--week", WEEK, "--csv",
                     stdout=csv_out)  # fmt: skip
    assert "target 90% within 20 min (default)" in table.getvalue()
    lines = csv_out.getvalue().splitlines()
    assert lines[0].startswith("day,time,service,forecast_arrivals,required,erlang")
    assert "2026-06-01,10:00,A " in "\n".join(lines)
    assert any(line.startswith("2026-06-01,10:00,") and ",2.0,2,2," in line for line in lines)
