"""Merging asks first: the officer sees both cases (reference, subject, citizen) and what will
happen before anything moves or any citizen is told; the second submit merges. No JavaScript."""

import pytest
from django.utils import translation

from civicdesk.cases.models import Case, CaseStatus
from civicdesk.cases.services import case_create, case_set_status
from civicdesk.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def _case(leak, text, **contact):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, **contact)  # fmt: skip


@pytest.fixture
def pair(monday, leak):
    kept = _case(leak, "Lift in Block C broken", contact_name="Mrs Chan",
                 contact_email="chan@example.org")  # fmt: skip
    duplicate = _case(leak, "Lift in Block C broken again", contact_name="Mr Lee",
                      contact_email="lee@example.org")  # fmt: skip
    return kept, duplicate


def test_the_merge_box_asks_before_merging(client, pair, qsm):
    kept, duplicate = pair
    sent_before = OutboxMessage.objects.count()
    client.force_login(qsm.user)
    asked = client.post(f"/cases/staff/{duplicate.reference}/merge/", {"into": kept.reference})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert f"Are you sure you want to merge {duplicate.reference} into {kept.reference}?" in page
    table = page.split('data-testid="merge-cases"')[1].split("</table>")[0]
    for shown in (duplicate.reference, kept.reference, duplicate.subject, kept.subject,
                  "Mr Lee", "Mrs Chan", "lee@example.org"):  # fmt: skip
        assert shown in table
    effects = page.split('data-testid="merge-effects"')[1].split("</ul>")[0]
    assert f"{duplicate.reference} is closed" in effects
    assert f"Its 2 messages move to {kept.reference}" in effects  # hers and the receipt
    assert f"The citizen of {duplicate.reference} is told" in effects
    assert f"The citizen of {kept.reference} is not told" in effects
    assert "You cannot undo a merge." in page
    assert 'name="confirmed" value="yes"' in page
    # Nothing happened yet: no merge, no notice.
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None and duplicate.is_open
    assert OutboxMessage.objects.count() == sent_before

    done = client.post(f"/cases/staff/{duplicate.reference}/merge/",
                       {"into": kept.reference, "confirmed": "yes"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == f"/cases/staff/{kept.reference}/"
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk and duplicate.status == CaseStatus.CLOSED
    assert OutboxMessage.objects.filter(to="lee@example.org", subject__contains=kept.reference)


def test_a_merge_that_would_be_refused_is_refused_before_asking(client, pair, qsm):
    kept, duplicate = pair
    case_set_status(case=kept, actor=qsm.user, status=CaseStatus.CLOSED, note="Done")
    client.force_login(qsm.user)
    answer = client.post(f"/cases/staff/{duplicate.reference}/merge/", {"into": kept.reference})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "Only open cases can be merged." in page and "Are you sure" not in page
    assert Case.objects.get(pk=duplicate.pk).merged_into_id is None


def test_the_question_says_when_nobody_will_be_told(client, monday, leak, qsm):
    kept = _case(leak, "Broken lift", contact_email="chan@example.org")
    anonymous = _case(leak, "Broken lift in Block C")
    client.force_login(qsm.user)
    page = client.post(
        f"/cases/staff/{anonymous.reference}/merge/", {"into": kept.reference}
    ).content.decode()
    assert f"{anonymous.reference} has no contact details: nobody is told." in page
    assert "Anonymous" in page.split('data-testid="merge-cases"')[1].split("</table>")[0]
