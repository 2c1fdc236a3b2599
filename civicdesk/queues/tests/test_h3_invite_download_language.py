"""The calendar file downloaded from the appointment page is in the booking's language, as the
one emailed with the confirmation (it followed the browser's language: the same event read in
Chinese in the mailbox and in English from the page)."""

import pytest
from django.utils import translation
from icalendar import Calendar

from civicdesk.notify.models import OutboxMessage
from civicdesk.queues.tests.test_appointments import book, slot_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back_to_default():
    yield
    translation.deactivate()


def _event(ics: bytes | str):
    return Calendar.from_ical(ics).walk("VEVENT")[0]


@pytest.mark.parametrize("browser_language", ["en", "ms"])
def test_downloaded_invite_matches_the_emailed_one(client, clock, service, browser_language):
    service.names = {"zh-hant": "續領護照", "ms": "Pembaharuan pasport"}
    service.appointments_enabled, service.slot_minutes, service.slot_capacity = True, 30, 1
    service.save()
    appointment = book(slot_at(service, 14), email="chan@example.hk", language="zh-hant")
    emailed = OutboxMessage.objects.get(to="chan@example.hk", channel="email")
    (attachment,) = [a for a in emailed.attachments if a["mimetype"] == "text/calendar"]

    client.cookies["django_language"] = browser_language
    response = client.get(f"/queues/appointment/{appointment.token}/invite.ics")
    assert response.status_code == 200
    downloaded, mailed = _event(response.content), _event(attachment["content"])
    assert str(downloaded["summary"]).startswith("續領護照")
    for field in ("summary", "description", "location"):
        assert str(downloaded.get(field)) == str(mailed.get(field)), field
