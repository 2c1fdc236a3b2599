"""A saved tracking link opened in a fresh browser leads to the tracking form with the
reference filled in (not a 404), the same for a reference that names no case; once the
citizen proves her contact, she is on her case."""

import pytest
from django.test import Client
from django.utils import translation

from civicdesk.cases.services import case_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def test_a_saved_tracking_link_asks_for_the_contact_with_the_reference_filled_in(monday, leak):
    case = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Water leaking through the ceiling",
                       contact_email="chan@example.org")  # fmt: skip
    fresh = Client()
    answer = fresh.get(f"/cases/track/{case.reference}/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/cases/track/?reference={case.reference}"
    form = fresh.get(answer["Location"])
    page = form.content.decode()
    assert form.status_code == 200
    assert f'name="reference" value="{case.reference}"' in page
    assert "Water leaking" not in page  # nothing of the case before the contact is proved
    proved = fresh.post("/cases/track/", {"reference": case.reference,
                                          "contact": "chan@example.org"})  # fmt: skip
    assert proved["Location"] == f"/cases/track/{case.reference}/"
    assert "Water leaking" in fresh.get(proved["Location"]).content.decode()


def test_the_link_does_not_tell_whether_a_reference_exists(monday, leak):
    real = case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description="Leak", contact_email="chan@example.org")  # fmt: skip
    invented = real.reference[:-1] + ("9" if real.reference[-1] != "9" else "8")
    answers = [Client().get(f"/cases/track/{ref}/") for ref in (real.reference, invented)]
    assert [a.status_code for a in answers] == [302, 302]
    assert [a["Location"] for a in answers] == [
        f"/cases/track/?reference={ref}" for ref in (real.reference, invented)
    ]
    # The saved confirmation page too.
    confirmation = Client().get(f"/cases/new/{real.reference}/")
    assert confirmation["Location"] == f"/cases/track/?reference={real.reference}"
