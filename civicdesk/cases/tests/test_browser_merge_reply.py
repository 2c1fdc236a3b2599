"""In a real browser: after merging duplicates, the officer's one reply goes to the citizens
she leaves ticked, chosen with the keyboard alone; the page passes axe."""

import pytest

from civicdesk.cases.services import case_create, case_merge
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.tests.pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "The fallen tree was cleared this morning."


def test_reply_to_merged_citizens_by_keyboard(page, axe, leak, qsm):
    def filed(name, email):
        return case_create(agency=leak.agency, category=leak, kind="complaint", channel="web",
                           description=f"A tree fell on the path. {name}", contact_name=name,
                           contact_email=email)  # fmt: skip

    kept, bob, carol = (
        filed("Alice", "alice@example.org"),
        filed("Bob", "bob@example.org"),
        filed("Carol", "carol@example.org"),
    )
    for other in (bob, carol):
        case_merge(source=other, target=kept, actor=qsm.user)

    sign_in(page, qsm)
    page.goto(f"/cases/staff/{kept.reference}/")
    page.get_by_test_id("action-reply").locator("summary").click()
    boxes = page.get_by_role("group", name="Also send this reply to the citizens of merged cases")
    assert boxes.get_by_role("checkbox").count() == 2
    bob_box = boxes.get_by_label(f"{bob.reference}: Bob, bob@example.org")
    assert not bob_box.is_checked()  # nobody by default: the officer chooses
    assert axe(page) == []

    page.get_by_label("Reply to the citizen", exact=True).fill(REPLY)
    carol_box = boxes.get_by_label(f"{carol.reference}: Carol, carol@example.org")
    bob_box.focus()
    page.keyboard.press("Space")  # tick Bob with the keyboard
    assert bob_box.is_checked() and not carol_box.is_checked()
    page.get_by_test_id("action-reply").get_by_role("button", name="Send reply").focus()
    page.keyboard.press("Enter")
    page.get_by_text("and to 1 citizen of a merged case").wait_for()
    assert axe(page) == []
    sent_to = set(OutboxMessage.objects.filter(body__contains=REPLY).values_list("to", flat=True))
    assert sent_to == {"alice@example.org", "bob@example.org"}
