"""The queue's "Due within a day" filter lists what the QSM's dashboard calls about to breach:
an acknowledgement due within a day counts, and a case already replied to does not."""

from datetime import timedelta

import pytest

from civicdesk.cases.selectors import case_list, qsm_dashboard
from civicdesk.cases.services import case_create, case_reply

pytestmark = pytest.mark.django_db


def _case(leak, text):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, contact_email=f"{len(text)}@example.org")  # fmt: skip


def test_due_soon_matches_the_dashboard(monday, leak, qsm, officer):
    unacknowledged = _case(leak, "Ceiling leaking in the kitchen")
    replied = _case(leak, "Water dripping from the bathroom ceiling again")
    case_reply(case=replied, actor=officer.user, body="A plumber comes tomorrow.")
    # Close to both cases' acknowledgement due time, long before their reply due time.
    monday.move_to(unacknowledged.acknowledge_due_at - timedelta(hours=2))
    dashboard = {c.reference for c in qsm_dashboard(user=qsm.user)["about_to_breach"]}
    queue = {c.reference for c in case_list(user=qsm.user, due="soon")}
    assert dashboard == {unacknowledged.reference}
    assert queue == dashboard
    # Near the reply due time: the replied case is not about to breach.
    monday.move_to(replied.reply_due_at - timedelta(hours=2))
    queue = {c.reference for c in case_list(user=qsm.user, due="soon")}
    assert replied.reference not in queue
