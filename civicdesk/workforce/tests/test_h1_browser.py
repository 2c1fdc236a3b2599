"""A Chinese reader sees the competency profile, the assessment and the training in Chinese
(they were in English), and a past session says it ended; axe-core on each page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from civicdesk.core.clock import now
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.organisations.tests.pages import sign_in
from civicdesk.workforce import services
from civicdesk.workforce.models import TrainingSession
from civicdesk.workforce.opening import session_slot
from civicdesk.workforce.tests.factories import team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_reads_profile_and_training_in_chinese(page, axe, agency):
    site, _lead, officer, _colleague = team(agency)
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    profile = services.competency_profile_create(
        actor=None,
        agency=agency,
        staff_group="frontline",
        title="Frontline service competencies",
        titles={"zh-hant": "前線服務能力"},
        competencies=[
            {
                "code": "welcome",
                "name": "Welcoming and listening",
                "names": {"zh-hant": "歡迎及聆聽"},
                "behaviours": [
                    {
                        "text": "Greets each person promptly and introduces themself",
                        "texts": {"zh-hant": "迅速招呼每位人士並自我介紹"},
                    }
                ],
            }
        ],
    )
    services.competency_profile_promulgate(actor=None, profile=profile)
    course = services.training_programme_create(
        actor=trainer.user,
        agency=agency,
        code="service-concepts",
        title="Service concepts",
        titles={"zh-hant": "服務概念"},
    )
    start = session_slot(site=site, after=now() + timedelta(days=2), duration=timedelta(hours=3))
    past = services.training_session_schedule(
        actor=trainer.user,
        training=course,
        site=site,
        trainer=trainer,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=12,
    )
    # Moved into the past, as the demo's history is.
    TrainingSession.objects.filter(pk=past.pk).update(
        starts_at=now() - timedelta(days=10), ends_at=now() - timedelta(days=10, hours=-3)
    )

    sign_in(page, officer.user)
    page.goto("/language/zh-hant/?next=/staff/workforce/my-profile/")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    main = page.locator("main")
    expect(main).to_contain_text("前線服務能力")
    expect(main).to_contain_text("歡迎及聆聽")
    expect(main).to_contain_text("迅速招呼每位人士並自我介紹")
    expect(main).not_to_contain_text("Welcoming and listening")
    assert axe(page) == []

    page.goto(f"/staff/workforce/people/{officer.pk}/assess/")
    expect(page.get_by_role("group", name="迅速招呼每位人士並自我介紹")).to_be_visible()
    expect(main).to_contain_text("歡迎及聆聽")
    assert axe(page) == []

    page.goto("/staff/workforce/training/?all=1")
    row = page.get_by_test_id("sessions").get_by_role("row").nth(1)
    expect(row).to_contain_text("服務概念")
    expect(row).not_to_contain_text("12 / 12")
    assert axe(page) == []
    row.get_by_role("link", name="服務概念").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("服務概念")
    expect(page.get_by_test_id("places-left")).not_to_contain_text("/ 12")
    expect(page.get_by_role("button", name="為我報名")).to_have_count(0)
    assert axe(page) == []
