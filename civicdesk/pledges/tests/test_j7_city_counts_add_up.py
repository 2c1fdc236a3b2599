"""Second walk of journey 8: on the transparency page each agency's pledges add up: met,
missed and those with no figure yet (a pledge nobody has data for was counted in neither)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.pledges.compute import recompute_pledge
from civicdesk.pledges.tests.factories import make_pledge, make_ticket
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 10, 20, 12, tzinfo=HK)


def test_each_agencys_row_adds_up_to_its_pledges(client, agency):
    with time_machine.travel(NOW, tick=False):
        service = ServiceFactory(site=SiteFactory(agency=agency, name="North"), prefix="A")
        for wait in (5, 5, 10):
            make_ticket(service=service, joined=datetime(2026, 9, 7, 10, tzinfo=HK),
                        wait_minutes=wait)  # fmt: skip
        for metric, target in (("wait_p90", 20), ("appointments_on_time", 90)):
            recompute_pledge(make_pledge(agency=agency, metric=metric, target=target))
        html = client.get("/pledges/").content.decode()
    assert ">No data</th>" in html
    row = html[html.index(f'href="/pledges/{agency.code}/"') :]
    row = row[: row.index("</tr>")]
    total, *counts = (int(n) for n in re.findall(r'numeric">(\d+)</td>', row))
    met, missed, on_track, behind, no_data = counts
    assert (total, met, missed, on_track, behind, no_data) == (2, 1, 0, 0, 0, 1)
    assert sum(counts) == total
