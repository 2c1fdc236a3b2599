"""The staff case page after the journey audit: what each state of a case offers, how staff
name its status, action addresses opened by GET, the reply's language, the tracking lockout."""

import re

import pytest
from django.test import Client

from civicdesk.cases.models import Case, CaseStatus
from civicdesk.cases.services import case_create, case_merge, case_reply, case_set_status
from civicdesk.cases.tests.factories import CategoryFactory
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, DepartmentFactory, StaffFactory

ACTIONS = ["reply", "note", "status", "assign", "transfer", "merge", "not_duplicate", "part",
           "refer"]  # fmt: skip


def _case(leak, **overrides) -> Case:
    fields = {"agency": leak.agency, "category": leak, "kind": "complaint", "channel": "web",
              "description": "Leak in the kitchen", "contact_email": "chan@example.org"}  # fmt: skip
    fields.update(overrides)
    return case_create(**fields)


def _offered(page: str) -> set[str]:
    return set(re.findall(r'data-testid="action-([a-z_]+)"', page))


@pytest.mark.django_db
def test_reply_subject_is_in_the_citizens_language_not_the_officers(client, monday, leak, officer):
    case = _case(leak, language="zh-hant")
    client.force_login(officer.user)
    client.cookies["django_language"] = "en"
    sent = client.post(f"/cases/staff/{case.reference}/reply/", {"body": "我們會派人檢查。"})
    assert sent.status_code == 302
    reply = OutboxMessage.objects.filter(to="chan@example.org").order_by("pk").last()
    assert reply.subject == f"[{case.reference}] 有關您個案的回覆"
    case_reply(case=case, actor=officer.user, body="仍在處理中。", interim=True)
    update = OutboxMessage.objects.filter(to="chan@example.org").order_by("pk").last()
    assert update.subject == f"[{case.reference}] 有關您個案的最新消息"


@pytest.mark.django_db
def test_opening_an_action_address_goes_back_to_the_case_page(client, monday, leak, officer):
    case = _case(leak)
    page = f"/cases/staff/{case.reference}/"
    client.force_login(officer.user)
    empty = client.post(f"{page}reply/", {"body": ""})
    assert empty.status_code == 422
    # Reloading, or switching language (which reloads the same address): the case page.
    for action in ACTIONS:
        again = client.get(f"{page}{action}/")
        assert (again.status_code, again["Location"]) == (302, page), action
    switched = client.get(f"/language/zh-hant/?next={page}reply/", follow=True)
    assert switched.status_code == 200 and switched.redirect_chain[-1] == (page, 302)
    assert client.get(f"{page}no_such_action/").status_code == 404
    assert Client().get(f"{page}reply/").status_code == 302  # signed out: to the sign-in page
    assert "/sign-in/" in Client().get(f"{page}reply/")["Location"]


@pytest.mark.django_db
def test_staff_read_the_waiting_status_from_their_side(client, monday, leak, officer):
    case = _case(leak)
    case_reply(case=case, actor=officer.user, body="Which flat is it?",
               then_status=CaseStatus.AWAITING_CITIZEN)  # fmt: skip
    client.force_login(officer.user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    status = re.search(r'data-testid="status">([^<]*)<', page).group(1)
    assert status == "Waiting for the citizen"
    assert "Waiting for your reply" not in page
    queue = client.get("/cases/staff/").content.decode()
    assert "Waiting for the citizen" in queue and "Waiting for your reply" not in queue
    # The citizen keeps their own wording.
    citizen = Client()
    found = citizen.post("/cases/track/", {"reference": case.reference,
                                           "contact": "chan@example.org"})  # fmt: skip
    tracked = citizen.get(found["Location"]).content.decode()
    assert "Waiting for your reply" in tracked and "Waiting for the citizen" not in tracked


@pytest.mark.django_db
def test_a_merged_case_says_where_it_went_and_offers_no_actions(client, monday, leak, qsm):
    kept = _case(leak, contact_email="a@example.org")
    merged = _case(leak, contact_email="b@example.org")
    case_merge(source=merged, target=kept, actor=qsm.user)
    client.force_login(qsm.user)
    page = client.get(f"/cases/staff/{merged.reference}/").content.decode()
    assert _offered(page) == set() and ">Actions<" not in page
    assert f'href="/cases/staff/{kept.reference}/"' in page
    refused = client.post(f"/cases/staff/{merged.reference}/note/", {"body": "Called her back"})
    assert refused.status_code == 422
    assert f"merged into {kept.reference}" in refused.content.decode()
    assert not merged.messages.filter(body="Called her back").exists()
    assert "action-merge" in client.get(f"/cases/staff/{kept.reference}/").content.decode()


@pytest.mark.django_db
def test_a_closed_case_offers_only_what_it_allows(client, monday, leak, officer):
    case = _case(leak)
    case_set_status(case=case, actor=officer.user, status=CaseStatus.CLOSED)
    client.force_login(officer.user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert _offered(page) == {"note", "status"}
    choices = re.findall(r'<option value="([a-z_]*)"[^>]*>([^<]*)<', page)
    assert choices == [("in_progress", "Reopen: back in progress")]
    other = AgencyFactory(code="ENV", name="Environment")
    part = client.post(f"/cases/staff/{case.reference}/part/", {"agency": other.pk})
    assert part.status_code == 422 and "does not allow that now" in part.content.decode()
    assert not Case.objects.filter(coordinating_case=case).exists()
    reopened = client.post(f"/cases/staff/{case.reference}/status/", {"status": "in_progress"})
    assert reopened.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


@pytest.mark.django_db
def test_a_resolved_case_can_still_be_answered_closed_or_reopened(client, monday, leak, officer):
    case = _case(leak)
    case_set_status(case=case, actor=officer.user, status=CaseStatus.RESOLVED)
    client.force_login(officer.user)
    page = client.get(f"/cases/staff/{case.reference}/").content.decode()
    assert _offered(page) == {"reply", "note", "status"}


@pytest.mark.django_db
def test_the_tracking_lockout_gives_advice_that_works(client, monday, leak, settings):
    settings.CIVICDESK_CASE_TRACK_ATTEMPTS_PER_HOUR = 1
    leak.agency.email = "enquiries@housing.example"
    leak.agency.save()
    case = _case(leak)
    client.post("/cases/track/", {"reference": "HSG-2026-999999", "contact": "x@example.org"})
    locked = client.post("/cases/track/", {"reference": case.reference,
                                           "contact": "chan@example.org"})  # fmt: skip
    page = locked.content.decode()
    assert locked.status_code == 429
    assert "use the link in the email" not in page and "Wait an hour" in page
    assert 'href="mailto:enquiries@housing.example"' in page and leak.agency.name in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clock_panel_labels_do_not_break_inside_words_at_1280(page, axe):
    from civicdesk.organisations.tests.pages import sign_in

    housing = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    maintenance = DepartmentFactory(agency=housing, code="MAINT", name="Estate Maintenance")
    leak = CategoryFactory(agency=housing, code="leak", name="Water leak", department=maintenance)
    officer = StaffFactory(agency=housing, role=Role.FRONTLINE, departments=[maintenance])
    case = _case(leak, contact_email="a.very.long.address.of.a.citizen@example.org")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, officer)
    page.goto(f"/cases/staff/{case.reference}/")
    keys = page.get_by_test_id("clock-list").locator("dt")
    assert keys.count() >= 8
    # Each word of each label lies on one line (one client rect for its text range).
    broken = page.evaluate(
        """(dl) => [...dl.querySelectorAll('dt')].flatMap((dt) => {
            const text = dt.firstChild, out = [];
            let at = 0;
            for (const word of text.data.split(' ')) {
                const range = document.createRange();
                range.setStart(text, at); range.setEnd(text, at + word.length);
                if (range.getClientRects().length > 1) out.push(word);
                at += word.length + 1;
            }
            return out;
        })""",
        page.get_by_test_id("clock-list").element_handle(),
    )
    assert broken == []
    panel = page.get_by_test_id("clock-list").bounding_box()
    column = page.locator(".govuk-grid-column-one-third").bounding_box()
    assert panel["x"] + panel["width"] <= column["x"] + column["width"] + 1
    assert axe(page) == []
