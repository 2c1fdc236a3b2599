"""Competency profiles, competencies, behaviours and training programmes in the reader's
language (they stayed English on Chinese and Malay pages), entered by the staff who write them,
and given in Chinese and Malay by the demo."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.core.clock import now
from civicdesk.core.errors import ValidationFailed
from civicdesk.organisations.models import StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.forms import SessionForm, assessment_form_class
from civicdesk.workforce.models import Behaviour, Competency, CompetencyProfile, TrainingProgramme
from civicdesk.workforce.opening import session_slot
from civicdesk.workforce.report import render_report_html
from civicdesk.workforce.tests.factories import team

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back_to_default():
    yield
    translation.deactivate()


def _chinese_profile(agency):
    profile = services.competency_profile_create(
        actor=None,
        agency=agency,
        staff_group="frontline",
        title="Frontline competencies",
        titles={"zh-hant": "前線服務能力"},
        introduction="What citizens should see.",
        introductions={"zh-hant": "市民應看到的表現。"},
        competencies=[
            {
                "code": "welcome",
                "name": "Welcoming and listening",
                "names": {"zh-hant": "歡迎及聆聽", "ms": "Menyambut dan mendengar"},
                "behaviours": [
                    {
                        "text": "Greets each person promptly",
                        "texts": {"zh-hant": "迅速招呼每位人士"},
                    }
                ],
            }
        ],
    )
    return services.competency_profile_promulgate(actor=None, profile=profile)


def _chinese_training(agency, trainer, site, *, days=3):
    course = services.training_programme_create(
        actor=trainer.user,
        agency=agency,
        code="service",
        title="Service concepts",
        titles={"zh-hant": "服務概念", "ms": "Konsep perkhidmatan"},
        description="Why every contact matters.",
        descriptions={"zh-hant": "每次接觸的重要性。"},
        competency_codes=["welcome"],
        required_for=["frontline"],
    )
    start = session_slot(site=site, after=now() + timedelta(days=days), duration=timedelta(hours=3))
    session = services.training_session_schedule(
        actor=trainer.user,
        training=course,
        site=site,
        trainer=trainer,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=5,
    )
    return course, session


@pytest.fixture
def people(agency):
    site, lead, officer, _colleague = team(agency)
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    profile = _chinese_profile(agency)
    course, session = _chinese_training(agency, trainer, site)
    return {
        "site": site,
        "lead": lead,
        "officer": officer,
        "trainer": trainer,
        "profile": profile,
        "course": course,
        "session": session,
    }


def _page(client, user, url, language="zh-hant"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_profile_pages_in_chinese(client, people):
    officer = people["officer"]
    for url in (
        reverse("workforce:my_profile"),
        reverse("workforce:profile_detail", args=[people["profile"].pk]),
        reverse("workforce:assess", args=[officer.pk]),
    ):
        html = _page(client, officer.user, url)
        assert "歡迎及聆聽" in html, url
        assert "迅速招呼每位人士" in html, url
        assert "Welcoming and listening" not in html, url
        assert "Greets each person promptly" not in html, url
    html = _page(client, officer.user, reverse("workforce:my_profile"))
    assert "前線服務能力" in html and "市民應看到的表現。" in html


def test_person_page_names_competencies_and_training_in_chinese(client, people):
    officer = people["officer"]
    services.assessment_submit(
        actor=officer.user,
        subject=officer,
        ratings={b.id: 2 for b in Behaviour.objects.filter(competency__profile=people["profile"])},
    )
    html = _page(client, officer.user, reverse("workforce:person", args=[officer.pk]))
    assert "歡迎及聆聽" in html and "迅速招呼每位人士" in html
    assert "服務概念" in html  # the training still needed
    assert "Service concepts" not in html and "Welcoming and listening" not in html


def test_training_pages_and_home_name_the_programme_in_chinese(client, people):
    officer = people["officer"]
    services.enrolment_create(actor=officer.user, session=people["session"], staff=officer)
    for url in (
        reverse("workforce:home"),
        reverse("workforce:training"),
        reverse("workforce:session", args=[people["session"].pk]),
        reverse("workforce:team"),
    ):
        user = people["lead"].user if url == reverse("workforce:team") else officer.user
        html = _page(client, user, url)
        assert "服務概念" in html, url
        assert "Service concepts" not in html, url
    html = _page(client, officer.user, reverse("workforce:training"))
    assert "每次接觸的重要性。" in html and "Why every contact matters." not in html


def test_malay_reader_and_simplified_chinese_fallback(client, people):
    html = _page(client, people["officer"].user, reverse("workforce:training"), language="ms")
    assert "Konsep perkhidmatan" in html
    # No Simplified Chinese title given: the Traditional one before the English.
    html = _page(client, people["officer"].user, reverse("workforce:training"), "zh-hans")
    assert "服務概念" in html and "Service concepts" not in html


def test_choice_labels_in_chinese(people, agency):
    with translation.override("zh-hant"):
        form = SessionForm(
            trainings=TrainingProgramme.objects.all(),
            sites=agency.sites.all(),
            trainers=StaffProfile.objects.none(),
        )
        labels = [label for _value, label in form.fields["training"].choices]
        behaviours = list(Behaviour.objects.all())
        assessment = assessment_form_class(behaviours)()
    assert "服務概念" in labels
    assert assessment.fields[f"b{behaviours[0].id}"].label == "迅速招呼每位人士"


def test_programme_report_names_upcoming_training_in_chinese(people, agency):
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=timezone.localdate(now()) - timedelta(days=10),
        ends_on=timezone.localdate(now()) + timedelta(days=60),
        sites=[people["site"]],
    )
    with translation.override("zh-hant"):
        html = render_report_html(programme)
    assert "服務概念" in html and "Service concepts" not in html


def test_admin_gives_names_in_other_languages_on_the_profile_page(client, agency):
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=admin.user, name="phone", confirmed=True)
    client.force_login(admin.user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/staff/two-factor/", {"token": code})
    client.post(
        reverse("workforce:profiles"),
        {"staff_group": "general", "title": "General staff", "title_zh-hant": "一般職員"},
    )
    profile = CompetencyProfile.objects.get(staff_group="general")
    assert profile.titles == {"zh-hant": "一般職員"}
    detail = reverse("workforce:profile_detail", args=[profile.pk])
    page = client.get(detail).content.decode()
    assert 'name="name_zh-hant"' in page and 'name="description_zh-hant"' in page
    client.post(
        detail,
        {
            "action": "add_competency",
            "name": "Serving colleagues",
            "name_zh-hant": "服務同事",
            "description": "",
            "description_zh-hant": "",
        },
    )
    competency = Competency.objects.get(profile=profile)
    assert competency.names == {"zh-hant": "服務同事"}
    assert 'name="text_zh-hant"' in client.get(detail).content.decode()
    client.post(
        detail,
        {
            "action": "add_behaviour",
            "competency": competency.pk,
            "text": "Replies in a day",
            "text_zh-hant": "一天內回覆",
        },
    )
    assert Behaviour.objects.get(competency=competency).texts == {"zh-hant": "一天內回覆"}
    # A new version keeps the words in other languages.
    services.competency_profile_promulgate(actor=admin.user, profile=profile)
    new = services.competency_profile_new_version(actor=admin.user, profile=profile)
    assert new.titles == {"zh-hant": "一般職員"}
    assert new.competencies.get().names == {"zh-hant": "服務同事"}
    assert new.competencies.get().behaviours.get().texts == {"zh-hant": "一天內回覆"}


def test_names_in_an_unknown_language_are_refused(agency):
    with pytest.raises(ValidationFailed):
        services.training_programme_create(
            actor=None, agency=agency, code="x", title="X", titles={"fr": "Formation"}
        )
    with pytest.raises(ValidationError):
        Behaviour._meta.get_field("texts").run_validators({"zh-hant": "長" * 301})


def test_demo_gives_profiles_and_training_chinese_and_malay_names(agency):
    from civicdesk.workforce.catalogue import PROFILES, TRAINING
    from civicdesk.workforce.demo import give_local_names

    spec = PROFILES["frontline"]
    services.competency_profile_create(
        actor=None,
        agency=agency,
        staff_group="frontline",
        title=str(spec["title"]),
        competencies=[
            {**c, "name": str(c["name"]), "behaviours": [str(b) for b in c["behaviours"]]}
            for c in spec["competencies"]
        ],
    )
    for item in TRAINING:
        services.training_programme_create(
            actor=None, agency=agency, code=item["code"], title=str(item["title"])
        )
    give_local_names()
    welcome = Competency.objects.get(code="welcome")
    assert welcome.names == {
        "zh-hant": "歡迎及聆聽",
        "zh-hans": "欢迎及聆听",
        "ms": "Menyambut dan mendengar",
    }
    concepts = TrainingProgramme.objects.get(code="service-concepts")
    assert set(concepts.titles) == {"zh-hant", "zh-hans", "ms"}
    assert concepts.titles["zh-hant"] == "服務概念"
    assert all(b.texts.get("zh-hant") for b in Behaviour.objects.all())
    assert CompetencyProfile.objects.get().titles["ms"]
