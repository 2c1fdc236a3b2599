"""The join page's opening hours list every day of the week, Monday first; a day the office is
closed says so ("Sunday: Closed") rather than being left out."""

import re

import pytest

from civicdesk.organisations.tests.factories import SiteFactory
from civicdesk.queues.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _hours(html: str) -> list[str]:
    block = html[html.index('data-testid="opening-hours"') :]
    block = block[: block.index("</ul>")]
    return [
        re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def test_every_day_is_listed_and_closed_days_say_so(client, clock, agency):
    site = SiteFactory(agency=agency, code="LIC1", name="Licensing",
                       opening_hours={"0": [["09:00", "12:30"], ["13:30", "17:00"]],
                                      "2": [["09:00", "17:00"]], "5": [["09:00", "13:00"]]})  # fmt: skip
    ServiceFactory(site=site, prefix="L")
    lines = _hours(client.get("/queues/HSG/LIC1/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert lines == [
        "Monday: 09:00–12:30, 13:30–17:00",
        "Tuesday: Closed",
        "Wednesday: 09:00–17:00",
        "Thursday: Closed",
        "Friday: Closed",
        "Saturday: 09:00–13:00",
        "Sunday: Closed",
    ]


def test_a_site_without_hours_is_closed_every_day(client, clock, agency):
    site = SiteFactory(agency=agency, code="NOH", opening_hours={})
    ServiceFactory(site=site, prefix="N")
    lines = _hours(client.get("/queues/HSG/NOH/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert lines == [f"{day}: Closed" for day in DAYS]


def test_a_site_without_hours_says_it_is_closed_on_the_kiosk(client, clock, agency):
    site = SiteFactory(agency=agency, code="NOH", opening_hours={})
    ServiceFactory(site=site, prefix="N")
    response = client.get("/queues/HSG/NOH/kiosk/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "We are closed" in response.content.decode()
