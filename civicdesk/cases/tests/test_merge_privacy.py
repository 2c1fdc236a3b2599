"""A merge joins two citizens' cases for staff, not for the citizens: each sees only their own
messages and files (and our messages to them); staff see everything on the merged case."""

import pytest
from django.test import Client

from civicdesk.cases.models import Case, CaseMessage, MessageKind, TrackAttempt
from civicdesk.cases.services import AttachmentIn, case_create, case_merge
from civicdesk.cases.tests.factories import JPEG

pytestmark = pytest.mark.django_db

ALICE_TEXT = "Water drips from my kitchen ceiling, flat 12A, my phone is 9111 1111."
BOB_TEXT = "The ceiling of flat 11A leaks as well; my daughter is ill, please hurry."


def _filed(leak, *, name, email, text, filename):
    return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                       description=text, contact_name=name, contact_email=email,
                       attachments=[AttachmentIn(filename=filename, content=JPEG)])  # fmt: skip


@pytest.fixture
def merged(monday, leak, qsm):
    """Alice's case A, Bob's case B merged into it by the QSM on the case page."""
    alice = _filed(leak, name="Alice", email="alice@example.org", text=ALICE_TEXT,
                   filename="alice-kitchen.jpg")  # fmt: skip
    bob = _filed(leak, name="Bob", email="bob@example.org", text=BOB_TEXT,
                 filename="bob-ceiling.jpg")  # fmt: skip
    staff = Client()
    staff.force_login(qsm.user)
    done = staff.post(f"/cases/staff/{bob.reference}/merge/",
                      {"into": alice.reference, "confirmed": "yes"})  # fmt: skip
    assert done.status_code == 302, done.content.decode()[:2000]
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert bob.merged_into == alice
    return alice, bob, staff


def _tracking(reference: str, contact: str) -> tuple[Client, str]:
    """A citizen's browser that proved reference + contact, and where it was sent."""
    browser = Client()
    found = browser.post("/cases/track/", {"reference": reference, "contact": contact})
    assert found.status_code == 302, found.content.decode()[:2000]
    return browser, found["Location"]


def _file(case: Case, filename: str):
    return case.attachments.get(filename=filename)


def test_each_citizen_sees_and_downloads_only_their_own_part(merged):
    alice, bob, _staff = merged
    a_file, b_file = _file(alice, "alice-kitchen.jpg"), _file(alice, "bob-ceiling.jpg")

    alice_browser, alice_page = _tracking(alice.reference, "alice@example.org")
    page = alice_browser.get(alice_page).content.decode()
    assert ALICE_TEXT in page and "alice-kitchen.jpg" in page
    assert BOB_TEXT not in page and "bob-ceiling.jpg" not in page
    assert page.count("You wrote") == 1
    base = f"/cases/track/{alice.reference}/attachments"
    assert alice_browser.get(f"{base}/{a_file.pk}/").status_code == 200
    assert alice_browser.get(f"{base}/{b_file.pk}/").status_code == 404

    bob_browser, bob_page = _tracking(bob.reference, "bob@example.org")
    page = bob_browser.get(bob_page).content.decode()
    assert BOB_TEXT in page and "bob-ceiling.jpg" in page
    assert ALICE_TEXT not in page and "alice-kitchen.jpg" not in page
    assert page.count("You wrote") == 1
    base = f"/cases/track/{bob.reference}/attachments"
    assert bob_browser.get(f"{base}/{b_file.pk}/").status_code == 200
    assert bob_browser.get(f"{base}/{a_file.pk}/").status_code == 404


def test_staff_still_see_both_citizens_on_the_merged_case(merged):
    alice, _bob, staff = merged
    page = staff.get(f"/cases/staff/{alice.reference}/").content.decode()
    assert ALICE_TEXT in page and BOB_TEXT in page
    for item in alice.attachments.all():
        url = f"/cases/staff/{alice.reference}/attachments/{item.pk}/"
        assert staff.get(url).status_code == 200


def test_each_merge_notice_shows_once_on_the_tracking_page(merged):
    alice, bob, _staff = merged
    for reference, contact, notices in ((alice.reference, "alice@example.org", 0),
                                        (bob.reference, "bob@example.org", 1)):  # fmt: skip
        browser, url = _tracking(reference, contact)
        page = browser.get(url).content.decode()
        assert page.count("We have joined your case") == notices


def test_the_merged_citizen_follows_the_target_reference_with_their_own_contact(merged):
    """The notice says 'Follow it under <target>': that works with their own email, shows
    their own part, and is not a failed attempt."""
    alice, bob, _staff = merged
    browser, url = _tracking(alice.reference, "BOB@example.org")
    assert url == f"/cases/track/{bob.reference}/"
    page = browser.get(url).content.decode()
    assert f"Case {alice.reference}" in page and BOB_TEXT in page and ALICE_TEXT not in page
    assert TrackAttempt.objects.count() == 0
    # Alice never had Bob's reference: it does not open for her contact.
    refused = Client().post("/cases/track/", {"reference": bob.reference,
                                              "contact": "alice@example.org"})  # fmt: skip
    assert refused.status_code == 200 and "could not find" in refused.content.decode()


def test_what_the_merged_citizen_adds_later_stays_theirs(merged):
    alice, bob, staff = merged
    bob_browser, bob_page = _tracking(bob.reference, "bob@example.org")
    added = bob_browser.post(bob_page, {"body": "Now the light fitting is wet too."})
    assert added.status_code == 302
    message = CaseMessage.objects.get(body="Now the light fitting is wet too.")
    assert message.case == alice and message.kind == MessageKind.FROM_CITIZEN
    assert message.original_reference == bob.reference and message.author_label == "Bob"
    assert "light fitting" in bob_browser.get(bob_page).content.decode()
    alice_browser, alice_page = _tracking(alice.reference, "alice@example.org")
    assert "light fitting" not in alice_browser.get(alice_page).content.decode()
    assert "light fitting" in staff.get(f"/cases/staff/{alice.reference}/").content.decode()


def test_the_same_person_writing_twice_sees_both_after_the_merge(monday, leak, qsm):
    first = _filed(leak, name="Chan", email="chan@example.org", text=ALICE_TEXT,
                   filename="one.jpg")  # fmt: skip
    second = _filed(leak, name="Chan", email="Chan@Example.org", text=BOB_TEXT,
                    filename="two.jpg")  # fmt: skip
    case_merge(source=second, target=first, actor=qsm.user)
    for reference in (first.reference, second.reference):
        browser, url = _tracking(reference, "chan@example.org")
        page = browser.get(url).content.decode()
        assert ALICE_TEXT in page and BOB_TEXT in page
        for item in first.attachments.all():
            assert browser.get(f"{url}attachments/{item.pk}/").status_code == 200


def test_a_merge_of_a_merge_shows_the_case_it_finally_joined(monday, leak, qsm):
    a = _filed(leak, name="A", email="a@example.org", text=ALICE_TEXT, filename="a.jpg")
    b = _filed(leak, name="B", email="b@example.org", text=BOB_TEXT, filename="b.jpg")
    c = _filed(leak, name="C", email="c@example.org", text="Third report of the leak in C.",
               filename="c.jpg")  # fmt: skip
    case_merge(source=c, target=b, actor=qsm.user)
    case_merge(source=b, target=a, actor=qsm.user)
    browser, url = _tracking(c.reference, "c@example.org")
    page = browser.get(url).content.decode()
    assert f"Case {a.reference}" in page and "Third report" in page
    assert ALICE_TEXT not in page and BOB_TEXT not in page
    # ... and C's citizen finds it under the final reference too.
    _browser, url = _tracking(a.reference, "c@example.org")
    assert url == f"/cases/track/{c.reference}/"


def test_only_the_merged_citizen_is_told_and_told_one_reference(monday, leak, qsm):
    from civicdesk.notify.models import OutboxMessage

    alice = _filed(leak, name="Alice", email="alice@example.org", text=ALICE_TEXT,
                   filename="a.jpg")  # fmt: skip
    bob = _filed(leak, name="Bob", email="bob@example.org", text=BOB_TEXT, filename="b.jpg")
    told_alice = OutboxMessage.objects.filter(to="alice@example.org").count()
    case_merge(source=bob, target=alice, actor=qsm.user)
    assert OutboxMessage.objects.filter(to="alice@example.org").count() == told_alice
    notice = OutboxMessage.objects.filter(to="bob@example.org").order_by("pk").last()
    assert notice.subject == f"[{bob.reference}] Your case is now {alice.reference}"
    assert f"Follow it under {alice.reference}" in notice.body
    footer = notice.body.split("\n\n")[-1]
    assert f"Your reference is {alice.reference}." in footer
    assert f"reference={alice.reference}" in footer and bob.reference not in footer


def test_the_merge_notice_shows_once_on_the_staff_page(merged):
    alice, _bob, staff = merged
    page = staff.get(f"/cases/staff/{alice.reference}/").content.decode()
    assert page.count("We have joined your case") == 1


@pytest.mark.parametrize("threaded_by", ["subject", "in-reply-to"])
def test_an_emailed_reply_of_the_merged_citizen_stays_theirs(merged, threaded_by):
    """Bob answers by email after the merge (his reference in the subject, or a reply to one of
    our emails to him): filed on the kept case as his, never shown to Alice as hers."""
    from email.message import EmailMessage

    from civicdesk.cases.inbound import inbound_email_accept

    alice, bob, _staff = merged
    email = EmailMessage()
    email["From"], email["To"] = "Bob <bob@example.org>", "enquiries@housing.example"
    email["Message-ID"] = f"<bob-{threaded_by}@example.org>"
    if threaded_by == "subject":
        email["Subject"] = f"Re: [{bob.reference}] Your case is now {alice.reference}"
    else:
        ours = (
            CaseMessage.objects.filter(
                original_reference=bob.reference, kind=MessageKind.TO_CITIZEN
            )
            .exclude(email_message_id=None)
            .first()
        )
        assert ours is not None and ours.case == alice  # moved by the merge
        email["Subject"] = "Re: your case"
        email["In-Reply-To"] = f"<{ours.email_message_id}>"
    email.set_content("The bathroom ceiling is dripping now as well.")
    result = inbound_email_accept(raw=email.as_bytes())
    assert result.created is False
    message = CaseMessage.objects.get(body="The bathroom ceiling is dripping now as well.")
    assert message.case == alice and message.original_reference == bob.reference
    assert message.author_label == "Bob"
    alice_browser, alice_page = _tracking(alice.reference, "alice@example.org")
    assert "bathroom ceiling" not in alice_browser.get(alice_page).content.decode()
    bob_browser, bob_page = _tracking(bob.reference, "bob@example.org")
    assert "bathroom ceiling" in bob_browser.get(bob_page).content.decode()


def test_only_the_citizen_we_wait_for_restarts_the_clock(merged, qsm):
    """Staff asked Alice and wait for her; Bob (merged in) writing does not answer that."""
    from civicdesk.cases.models import CaseStatus
    from civicdesk.cases.services import case_citizen_add, case_reply

    alice, bob, _staff = merged
    case_reply(case=alice, actor=qsm.user, body="Which flat is it?", then_status="awaiting_citizen")
    bob_browser, bob_page = _tracking(bob.reference, "bob@example.org")
    assert "the clock restarts" not in bob_browser.get(bob_page).content.decode()
    case_citizen_add(case=bob, body="Mine is still leaking.")
    alice.refresh_from_db()
    assert alice.status == CaseStatus.AWAITING_CITIZEN and alice.paused_at is not None
    case_citizen_add(case=alice, body="Flat 12A.")
    alice.refresh_from_db()
    assert alice.status == CaseStatus.IN_PROGRESS and alice.paused_at is None


def test_an_email_about_the_kept_reference_from_the_merged_citizen_joins_it(merged):
    """Bob's emails now name the kept reference: one he writes under it is his, on that case."""
    from email.message import EmailMessage

    from civicdesk.cases.inbound import inbound_email_accept

    alice, bob, _staff = merged
    email = EmailMessage()
    email["From"], email["To"] = "Bob <bob@example.org>", "enquiries@housing.example"
    email["Message-ID"], email["Subject"] = "<bob-kept@example.org>", f"About {alice.reference}"
    email.set_content("Any news about the leak?")
    result = inbound_email_accept(raw=email.as_bytes())
    assert result.created is False
    message = CaseMessage.objects.get(body="Any news about the leak?")
    assert message.case == alice and message.original_reference == bob.reference
    alice.agency.email = "enquiries@housing.example"
    alice.agency.save()
    stranger = EmailMessage()
    stranger["From"], stranger["To"] = "Eve <eve@example.org>", "enquiries@housing.example"
    stranger["Message-ID"], stranger["Subject"] = "<eve@example.org>", f"About {alice.reference}"
    stranger.set_content("Tell me about this case.")
    assert inbound_email_accept(raw=stranger.as_bytes()).created is True  # a case of her own
