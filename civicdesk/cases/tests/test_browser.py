"""Journey 1 in a real browser: Mrs Chan complains in Traditional Chinese with a photo."""

import pytest
from playwright.sync_api import expect

from civicdesk.cases.models import Case, CaseStatus
from civicdesk.cases.services import case_reply
from civicdesk.cases.tests.factories import PNG_1PX, CategoryFactory
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, DepartmentFactory, StaffFactory
from civicdesk.organisations.tests.pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mrs_chan_complains_in_chinese_tracks_reads_reply_and_adds_detail(page, axe):
    housing = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    maintenance = DepartmentFactory(agency=housing, code="MAINT", name="Estate Maintenance")
    CategoryFactory(agency=housing, code="leak", name="Water leak from ceiling", name_zh="天花板漏水",
                    department=maintenance)  # fmt: skip
    officer = StaffFactory(agency=housing, role=Role.FRONTLINE, departments=[maintenance])

    page.goto("/language/zh-hant/?next=/cases/new/")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert axe(page) == []
    # An empty form is refused with a linked error summary, and still passes axe.
    page.locator("button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # waits for the answer
    assert axe(page) == []
    page.locator("select[name=topic]").select_option(label="天花板漏水")
    page.locator("input[name=kind][value=complaint]").check()
    page.locator("textarea[name=description]").fill("我家浴室天花板漏水三天了，請派人維修。")
    page.locator("input[name=address]").fill("北角邨 C 座 12 樓 A 室")
    page.locator("input[name=attachments]").set_input_files(
        [{"name": "ceiling.png", "mimeType": "image/png", "buffer": PNG_1PX}]
    )
    page.locator("input[name=contact_name]").fill("陳太")
    page.locator("input[name=contact_email]").fill("chan@example.org")
    page.locator("button[type=submit]").click()

    reference = page.get_by_test_id("reference").inner_text()
    assert reference.startswith("HSG-")
    assert axe(page) == []
    case = Case.objects.get(reference=reference)
    assert case.language == "zh-hant" and case.attachments.get().filename == "ceiling.png"
    assert OutboxMessage.objects.filter(to="chan@example.org", subject__contains=reference).exists()

    case_reply(case=case, actor=officer.user, body="請問漏水位置在浴室哪一處？",
               then_status=CaseStatus.AWAITING_CITIZEN)  # fmt: skip
    case.refresh_from_db()
    assert case.paused_at is not None

    page.context.clear_cookies()  # later, from another visit: she must prove who she is
    page.goto("/language/zh-hant/?next=/cases/track/")
    assert axe(page) == []
    page.locator("input[name=reference]").fill(reference)
    page.locator("input[name=contact]").fill("chan@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/track/{reference}/")
    assert "請問漏水位置在浴室哪一處？" in page.get_by_test_id("conversation").inner_text()
    assert axe(page) == []
    page.locator("textarea[name=body]").fill("在浴缸上方的天花板。")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"**/cases/track/{reference}/")
    assert "在浴缸上方的天花板。" in page.get_by_test_id("conversation").inner_text()
    assert axe(page) == []
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_at is None


def test_qsm_morning_merges_a_duplicate_and_reassigns(page, axe):
    from datetime import timedelta

    from civicdesk.audit.models import AuditEntry
    from civicdesk.cases.services import case_create

    housing = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    maintenance = DepartmentFactory(agency=housing, code="MAINT", name="Estate Maintenance")
    lift = CategoryFactory(
        agency=housing, code="lift", name="Lift out of order", department=maintenance
    )
    officers = [
        StaffFactory(agency=housing, role=Role.FRONTLINE, departments=[maintenance])
        for _ in range(2)
    ]
    qsm = StaffFactory(agency=housing, role=Role.QSM, display_name="Quality Manager")
    first = case_create(agency=housing, category=lift, kind="complaint", channel="web",
                        description="Lift in Block C broken", contact_email="a@example.org")  # fmt: skip
    second = case_create(agency=housing, category=lift, kind="complaint", channel="web",
                         description="Lift in Block C broken again", contact_email="a@example.org")  # fmt: skip
    late = case_create(agency=housing, category=lift, kind="complaint", channel="phone",
                       description="Nobody came", contact_phone="91234567",
                       received_at=first.received_at - timedelta(days=30))  # fmt: skip
    from civicdesk.cases.services import cases_mark_breaches

    cases_mark_breaches()

    sign_in(page, qsm)
    page.goto("/cases/staff/dashboard/")
    assert late.reference in page.get_by_test_id("breached").inner_text()
    assert second.reference in page.get_by_test_id("duplicates").inner_text()
    assert axe(page) == []
    page.get_by_test_id("duplicates").get_by_role("link", name=second.reference).click()
    assert axe(page) == []
    merge = page.get_by_test_id("action-merge")
    merge.locator("summary").click()
    assert merge.locator("input[name=into]").input_value() == first.reference
    merge.get_by_role("button", name="Merge").click()
    # Nothing is merged before the officer has seen both cases and what will happen.
    confirm = page.get_by_test_id("merge-confirm")
    expect(confirm.get_by_role("heading", level=1)).to_have_text(
        f"Are you sure you want to merge {second.reference} into {first.reference}?"
    )
    assert Case.objects.get(pk=second.pk).merged_into_id is None
    assert axe(page) == []
    confirm.get_by_role("button", name="Yes, merge").click()
    page.wait_for_url(f"**/cases/staff/{first.reference}/")
    assert "Merged into" in page.locator(".govuk-notification-banner").inner_text()
    assign = page.get_by_test_id("action-assign")
    assign.locator("summary").click()
    other = next(o for o in officers if o.pk != Case.objects.get(pk=first.pk).assignee_id)
    assign.locator("select[name=assignee]").select_option(str(other.pk))
    assign.get_by_role("button", name="Reassign").click()
    page.wait_for_url(f"**/cases/staff/{first.reference}/")
    assert axe(page) == []
    page.goto("/cases/staff/?status=open")
    assert axe(page) == []
    assert Case.objects.get(pk=first.pk).assignee_id == other.pk
    done = set(AuditEntry.objects.filter(actor=qsm.user).values_list("action", flat=True))
    assert {"case.merge", "case.assign"} <= done


def test_wrong_door_transport_officer_transfers_to_environment(page, axe):
    """Journey 2: a fallen tree on an estate, written to the transport agency."""
    from civicdesk.cases.services import case_create

    transport = AgencyFactory(code="TRN", name="Harbour City Transport Department")
    environment = AgencyFactory(code="ENV", name="Harbour City Environment Agency",
                                email="enquiries@environment.example")  # fmt: skip
    trees = CategoryFactory(agency=environment, code="tree", name="Fallen or dangerous tree",
                            department=DepartmentFactory(agency=environment, code="TREE"))  # fmt: skip
    officer = StaffFactory(agency=transport, role=Role.FRONTLINE,
                           departments=[DepartmentFactory(agency=transport, code="ROADS")])  # fmt: skip
    env_qsm = StaffFactory(agency=environment, role=Role.QSM)
    case = case_create(agency=transport, kind="complaint", channel="email",
                       subject="Fallen tree on Lantern Bay Estate",
                       description="A tree fell across the footpath between Block A and Block B.",
                       contact_email="resident@example.org")  # fmt: skip

    sign_in(page, officer)
    page.goto("/cases/staff/")
    assert axe(page) == []
    page.get_by_role("link", name=case.reference).click()
    transfer = page.get_by_test_id("action-transfer")
    transfer.locator("summary").click()
    transfer.get_by_role("button", name="Transfer").click()  # no reason: refused, explained
    assert "There is a problem" in page.get_by_test_id("action-transfer").inner_text()
    assert axe(page) == []
    transfer = page.get_by_test_id("action-transfer")
    transfer.locator("select[name=to_agency]").select_option(label=environment.name)
    transfer.locator("select[name=category]").select_option(
        label=f"{environment.name}: {trees.name}"
    )
    transfer.locator("textarea[name=reason]").fill(
        "Trees on housing estates are the Environment Agency's."
    )
    transfer.get_by_role("button", name="Transfer").click()
    page.wait_for_url(f"**/cases/staff/{case.reference}/")
    assert "You can read this case but not change it." in page.content()
    assert axe(page) == []

    told = OutboxMessage.objects.filter(to="resident@example.org").order_by("pk").last()
    assert case.reference in told.subject and environment.name in told.body
    page.context.clear_cookies()
    sign_in(page, env_qsm)
    page.goto("/cases/staff/")
    assert case.reference in page.get_by_test_id("queue").inner_text()
    assert Case.objects.get(pk=case.pk).reference == case.reference


def test_team_lead_records_and_removes_an_absence_with_the_keyboard(page, axe):
    from civicdesk.cases.models import OfficerAbsence

    housing = AgencyFactory(code="HSG", name="Harbour City Housing Authority")
    maintenance = DepartmentFactory(agency=housing, code="MAINT", name="Estate Maintenance")
    lead = StaffFactory(agency=housing, role=Role.TEAM_LEAD, departments=[maintenance])
    StaffFactory(agency=housing, role=Role.FRONTLINE, departments=[maintenance],
                 display_name="Officer Wong")  # fmt: skip
    sign_in(page, lead)
    page.goto("/cases/staff/")
    page.get_by_role("link", name="Officers away").click()
    page.wait_for_url("**/cases/staff/absences/")
    assert axe(page) == []
    # Submitted empty: a linked error summary, and the page still passes axe.
    page.get_by_role("button", name="Record the absence").click()
    assert (
        "Choose the officer who will be away." in page.locator(".govuk-error-summary").inner_text()
    )
    assert axe(page) == []
    page.get_by_label("Officer").select_option(label="Officer Wong")
    page.get_by_label("First day away").fill("2026-12-21")
    page.get_by_label("Last day away").fill("2026-12-24")
    page.get_by_label("Reason (optional)").fill("Annual leave")
    page.get_by_label("Reason (optional)").press("Enter")
    page.wait_for_url("**/cases/staff/absences/")
    table = page.get_by_test_id("absences").inner_text()
    assert "Officer Wong" in table and "Annual leave" in table and "2026-12-24" in table
    assert axe(page) == []
    page.get_by_role("button", name="Remove the absence of Officer Wong from 2026-12-21").press(
        "Enter"
    )
    page.wait_for_url("**/cases/staff/absences/")
    assert "Nobody is recorded as away." in page.get_by_test_id("absences").inner_text()
    assert not OfficerAbsence.objects.exists()
