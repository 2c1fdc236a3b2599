"""The QSM's "about to breach" list runs from the most urgent down, by the time each case's
clock counts down to (the acknowledgement while owed, then the reply), not by the reply due
time alone: a case whose acknowledgement is due in 5 hours comes before one whose reply is due
in 20."""

from datetime import timedelta

import pytest

from civicdesk.cases.models import Case
from civicdesk.cases.selectors import qsm_dashboard
from civicdesk.cases.services import case_create
from civicdesk.core.clock import now

pytestmark = pytest.mark.django_db


def _case(leak, text):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, contact_email=f"{len(text)}@example.org")  # fmt: skip


def test_about_to_breach_is_in_order_of_the_time_the_clock_shows(client, monday, leak, qsm):
    at = now()
    replied_soon = _case(leak, "Reply owed soon")
    Case.objects.filter(pk=replied_soon.pk).update(
        acknowledged_at=at, acknowledge_due_at=at + timedelta(hours=1),
        reply_due_at=at + timedelta(hours=20),
    )  # fmt: skip
    ack_sooner = _case(leak, "Acknowledgement owed sooner")
    Case.objects.filter(pk=ack_sooner.pk).update(
        acknowledged_at=None, acknowledge_due_at=at + timedelta(hours=5),
        reply_due_at=at + timedelta(hours=22),
    )  # fmt: skip
    rows = qsm_dashboard(user=qsm.user)["about_to_breach"]
    assert [c.pk for c in rows] == [ack_sooner.pk, replied_soon.pk]
    client.force_login(qsm.user)
    page = client.get("/cases/staff/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page.split('data-testid="about_to_breach"')[1].split("</table>")[0]
    assert table.index(ack_sooner.reference) < table.index(replied_soon.reference)
    assert table.index("Acknowledgement due in 5") < table.index("Reply due in 20")
