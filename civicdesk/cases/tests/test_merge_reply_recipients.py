"""After a merge, one reply can reach every citizen who reported the matter: each gets their own
email in their own language, sees it on their own tracking page, and nobody sees another."""

import json

import pytest
from django.test import Client

from civicdesk.audit.models import AuditEntry
from civicdesk.cases import selectors
from civicdesk.cases.models import Case, CaseMessage, MessageKind
from civicdesk.cases.services import case_create, case_merge, case_reply
from civicdesk.core.errors import ValidationFailed
from civicdesk.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

REPLY = "The fallen tree was cleared this morning and the path is open again."


def _filed(leak, *, name="", email="", phone="", language="en", text="A tree fell on the path."):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, contact_name=name, contact_email=email,
                       contact_phone=phone, language=language)  # fmt: skip


@pytest.fixture
def reporters(monday, leak, qsm):
    """Alice's case kept; Bob's (Chinese) and Carol's (by phone) merged into it; Dan merged
    into Bob's before Bob's was merged (a merge of a merge); Alice again, same email, merged;
    an anonymous report merged."""
    alice = _filed(leak, name="Alice", email="alice@example.org")
    bob = _filed(leak, name="Bob", email="bob@example.org", language="zh-hant")
    carol = _filed(leak, name="Carol", phone="+852 9123 4567")
    dan = _filed(leak, name="Dan", email="dan@example.org")
    alice_again = _filed(leak, name="Alice", email="ALICE@example.org")
    anonymous = _filed(leak)
    case_merge(source=dan, target=bob, actor=qsm.user)
    for other in (bob, carol, alice_again, anonymous):
        case_merge(source=other, target=alice, actor=qsm.user)
    for case in (alice, bob, carol, dan, alice_again, anonymous):
        case.refresh_from_db()
    return {"alice": alice, "bob": bob, "carol": carol, "dan": dan, "alice_again": alice_again}


def test_recipients_are_every_other_person_once(reporters):
    r = reporters
    recipients = selectors.merged_recipients(r["alice"])
    assert [c.reference for c in recipients] == [
        r["bob"].reference, r["carol"].reference, r["dan"].reference
    ]  # fmt: skip


def test_one_reply_reaches_each_chosen_citizen_in_their_language(reporters, qsm):
    r = reporters
    before = OutboxMessage.objects.count()
    case_reply(case=r["alice"], actor=qsm.user, body=REPLY,
               also_to=[r["bob"].reference, r["carol"].reference.lower()])  # fmt: skip
    sent = OutboxMessage.objects.order_by("pk")[before:]
    by_to = {m.to: m for m in sent}
    assert set(by_to) == {"alice@example.org", "bob@example.org", "+852 9123 4567"}
    assert by_to["alice@example.org"].subject == f"[{r['alice'].reference}] A reply about your case"
    # Bob reads a Chinese subject, his own reference, and is told to follow the kept case.
    bob_mail = by_to["bob@example.org"]
    assert bob_mail.subject.startswith(f"[{r['bob'].reference}] ")
    assert "A reply" not in bob_mail.subject
    assert REPLY in bob_mail.body and r["alice"].reference in bob_mail.body
    assert "alice@example.org" not in bob_mail.body and "Alice" not in bob_mail.body
    assert by_to["+852 9123 4567"].channel == "sms"
    # Dan was not chosen: nothing for him.
    assert not OutboxMessage.objects.filter(to="dan@example.org", body__contains=REPLY).exists()
    # Every copy is filed on the kept case, each as its citizen's.
    copies = CaseMessage.objects.filter(body=REPLY, kind=MessageKind.TO_CITIZEN)
    assert {m.case_id for m in copies} == {r["alice"].pk}
    assert sorted(m.original_reference for m in copies) == sorted(
        ["", r["bob"].reference, r["carol"].reference]
    )
    entry = AuditEntry.objects.filter(action="case.reply").latest("pk")
    assert entry.data["also_to"] == [r["bob"].reference, r["carol"].reference]


def test_each_sees_the_reply_on_their_own_tracking_page_only(reporters, qsm):
    r = reporters
    case_reply(case=r["alice"], actor=qsm.user, body=REPLY, also_to=[r["bob"].reference])

    def tracking(reference, contact):
        browser = Client()
        found = browser.post("/cases/track/", {"reference": reference, "contact": contact})
        assert found.status_code == 302
        return browser.get(found["Location"]).content.decode()

    assert tracking(r["alice"].reference, "alice@example.org").count(REPLY) == 1
    assert tracking(r["bob"].reference, "bob@example.org").count(REPLY) == 1
    assert REPLY not in tracking(r["dan"].reference, "dan@example.org")
    assert REPLY not in tracking(r["carol"].reference, "91234567")


def test_a_reference_that_is_not_a_merged_recipient_is_refused_and_nothing_is_sent(
    reporters, qsm, leak
):
    r = reporters
    stranger = _filed(leak, name="Eve", email="eve@example.org")
    before = OutboxMessage.objects.count(), CaseMessage.objects.count()
    for wrong in (stranger.reference, r["alice_again"].reference, "HSG-2099-999999"):
        with pytest.raises(ValidationFailed) as refused:
            case_reply(case=r["alice"], actor=qsm.user, body=REPLY,
                       also_to=[r["bob"].reference, wrong])  # fmt: skip
        assert wrong in refused.value.message
    assert (OutboxMessage.objects.count(), CaseMessage.objects.count()) == before


def test_case_page_offers_the_merged_citizens_unticked_and_sends_to_those_ticked(reporters, qsm):
    r = reporters
    staff = Client()
    staff.force_login(qsm.user)
    page = staff.get(f"/cases/staff/{r['alice'].reference}/").content.decode()
    assert "Also send this reply to the citizens of merged cases" in page
    for key in ("bob", "carol", "dan"):  # a reply is written to one citizen: nobody by default
        assert f'value="{r[key].reference}">' in page
        assert f'value="{r[key].reference}" checked' not in page
    assert f'value="{r["alice_again"].reference}"' not in page
    done = staff.post(f"/cases/staff/{r['alice'].reference}/reply/",
                      {"body": REPLY, "also_to": [r["dan"].reference]}, follow=True)  # fmt: skip
    assert done.status_code == 200
    assert "and to 1 citizen of a merged case" in done.content.decode()
    assert OutboxMessage.objects.filter(to="dan@example.org", body__contains=REPLY).count() == 1
    assert not OutboxMessage.objects.filter(to="bob@example.org", body__contains=REPLY).exists()


def test_a_case_without_merges_shows_no_recipient_choice(monday, leak, qsm):
    alone = _filed(leak, name="Alice", email="alice@example.org")
    staff = Client()
    staff.force_login(qsm.user)
    page = staff.get(f"/cases/staff/{alone.reference}/").content.decode()
    assert "citizens of merged cases" not in page


def test_api_lists_recipients_and_replies_to_them(reporters, qsm):
    r = reporters
    staff = Client()
    staff.force_login(qsm.user)
    listed = staff.get(f"/api/v1/cases/{r['alice'].reference}/reply-recipients")
    assert listed.status_code == 200
    assert [x["reference"] for x in listed.json()] == [
        r["bob"].reference, r["carol"].reference, r["dan"].reference
    ]  # fmt: skip
    assert listed.json()[0]["language"] == "zh-hant"
    bad = staff.post(f"/api/v1/cases/{r['alice'].reference}/reply",
                     json.dumps({"body": REPLY, "also_to": ["NOPE-1"]}),
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "NOPE-1" in bad.content.decode()
    ok = staff.post(f"/api/v1/cases/{r['alice'].reference}/reply",
                    json.dumps({"body": REPLY, "also_to": [r["carol"].reference]}),
                    content_type="application/json")  # fmt: skip
    assert ok.status_code == 200, ok.content
    # A text message carries the subject and the tracking link, not the reply itself.
    text = OutboxMessage.objects.filter(to="+852 9123 4567").latest("pk")
    assert text.channel == "sms" and "A reply about your case" in text.body
    assert CaseMessage.objects.filter(body=REPLY, original_reference=r["carol"].reference).exists()
    assert Case.objects.get(pk=r["alice"].pk).replied_at is not None


def test_another_agency_that_can_still_read_the_case_cannot_list_its_citizens(
    reporters, leak, other_agency
):
    """An agency that transferred a case away keeps read access to it: not to the contact
    details of the citizens merged into it."""
    from civicdesk.cases.services import case_transfer
    from civicdesk.organisations.roles import Role
    from civicdesk.organisations.tests.factories import StaffFactory

    r = reporters
    sender = StaffFactory(agency=leak.agency, role=Role.QSM)
    case_transfer(case=r["alice"], actor=sender.user, to_agency=other_agency, reason="Theirs")
    staff = Client()
    staff.force_login(sender.user)
    assert staff.get(f"/api/v1/cases/{r['alice'].reference}").status_code == 200  # may read
    listed = staff.get(f"/api/v1/cases/{r['alice'].reference}/reply-recipients")
    assert listed.status_code in (403, 404)
    assert "bob@example.org" not in listed.content.decode()
