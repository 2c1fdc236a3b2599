"""`civicdesk report monthly`: the committee report as HTML and PDF, through the report command."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.tests.factories import make_answer, make_case, make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

HK = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture
def month(agency):
    with time_machine.travel(datetime(2026, 11, 3, 12, tzinfo=HK), tick=False):
        slow = ServiceFactory(site=SiteFactory(agency=agency, name="Slow Street"), prefix="A")
        fast = ServiceFactory(site=SiteFactory(agency=agency, name="Quick Quay"), prefix="A")
        for wait in (30, 40, 5):
            make_ticket(
                service=slow, joined=datetime(2026, 10, 6, 10, tzinfo=HK), wait_minutes=wait
            )
        make_ticket(service=fast, joined=datetime(2026, 10, 6, 10, tzinfo=HK), wait_minutes=2)
        from civicdesk.cases.tests.factories import CategoryFactory

        category = CategoryFactory(agency=agency, name="Lift repairs")
        make_case(agency=agency, category=category, received=datetime(2026, 10, 6, 9, tzinfo=HK),
                  reply_due_at=datetime(2026, 10, 20, 17, tzinfo=HK))  # fmt: skip
        make_answer(agency=agency, answered=datetime(2026, 10, 8, 10, tzinfo=HK), csat=5, nps=10)
        make_answer(agency=agency, answered=datetime(2026, 10, 8, 10, tzinfo=HK), csat=2, nps=3)
        recompute_pledge(
            make_pledge(agency=agency, metric="tickets_within", target=90, threshold=20)
        )
        recompute_pledge(make_pledge(agency=agency, metric="csat", target=40))
        yield


def test_monthly_report_html(month, tmp_path, capsys):
    out = tmp_path / "report.html"
    with time_machine.travel(datetime(2026, 11, 3, 12, tzinfo=HK), tick=False):
        call_command(
            "report", "monthly", "--agency", "hsg", "--month", "2026-10", "--output", str(out)
        )
    html = out.read_text()
    assert "Pledges report for October 2026" in html
    assert "1 of 2 pledges met this month." in html
    assert (
        "Slow Street" in html
        and "Quick Quay" not in html.split("Where we fell short")[1].split("Survey results")[0]
    )
    assert "Lift repairs" in html and "0.0%" in html  # the category with no reply in time
    assert "50.0%" in html  # CSAT: one of two satisfied; NPS 0.0
    assert capsys.readouterr().out.strip() == str(out)


def test_monthly_report_pdf(month, tmp_path):
    out = tmp_path / "report.pdf"
    with time_machine.travel(datetime(2026, 11, 3, 12, tzinfo=HK), tick=False):
        call_command("report", "monthly", "--agency", "HSG", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_monthly_report_refuses_bad_input(month, tmp_path):
    with pytest.raises(CommandError, match=r"\.pdf or \.html"):
        call_command("report", "monthly", "--agency", "HSG", "--output", str(tmp_path / "r.txt"))
    with pytest.raises(CommandError, match="No agency"):
        call_command("report", "monthly", "--agency", "NOPE", "--output", str(tmp_path / "r.pdf"))
    with pytest.raises(CommandError, match="2026-10"):
        call_command("report", "monthly", "--agency", "HSG", "--month", "Oct",
                     "--output", str(tmp_path / "r.pdf"))  # fmt: skip
