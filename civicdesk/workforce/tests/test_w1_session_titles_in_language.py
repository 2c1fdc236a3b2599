"""The sessions API gave the training's English title to a reader of another language, while the
pages give theirs: `training` is in the language of the request, `training_en` as written."""

from datetime import timedelta

import pytest

from civicdesk.core.clock import now
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.opening import session_slot
from civicdesk.workforce.tests.factories import team

pytestmark = pytest.mark.django_db
URL = "/api/v1/workforce/sessions"
TITLES = {"zh-hant": "衝突處理", "zh-hans": "冲突处理", "ms": "Penyelesaian konflik"}


def _session(agency, site, *, code: str, title: str, titles=None):
    trainer = StaffFactory(agency=agency, role=Role.TRAINER)
    course = services.training_programme_create(
        actor=trainer.user, agency=agency, code=code, title=title, titles=titles
    )
    start = session_slot(site=site, after=now() + timedelta(days=3), duration=timedelta(hours=3))
    return services.training_session_schedule(
        actor=trainer.user,
        training=course,
        site=site,
        trainer=trainer,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=2,
    )


@pytest.fixture
def officer_client(client, agency):
    site, _lead, officer, _colleague = team(agency)
    _session(agency, site, code="conflict", title="Conflict resolution", titles=TITLES)
    client.force_login(officer.user)
    return client


@pytest.mark.parametrize(
    ("accept", "title"),
    [
        ("zh-Hant", "衝突處理"),
        ("zh-Hans", "冲突处理"),
        ("ms", "Penyelesaian konflik"),
        ("en", "Conflict resolution"),
        ("fr", "Conflict resolution"),  # not offered: English
    ],
)
def test_session_title_in_the_language_of_the_request(officer_client, accept, title):
    (session,) = officer_client.get(URL, HTTP_ACCEPT_LANGUAGE=accept).json()
    assert session["training"] == title
    assert session["training_en"] == "Conflict resolution"


def test_a_title_only_in_english_stays_english(client, agency):
    site, _lead, officer, _colleague = team(agency)
    _session(agency, site, code="queues", title="Queue basics")
    client.force_login(officer.user)
    (session,) = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-Hant").json()
    assert session["training"] == session["training_en"] == "Queue basics"


def test_the_schema_says_which_language(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["SessionOut"]
    assert "Accept-Language" in schema["properties"]["training"]["description"]
    assert schema["properties"]["training_en"]["type"] == "string"


def test_assessment_names_the_profile_in_the_language_of_the_request(client, agency):
    """The same answer gave competencies and behaviours in the reader's language but the
    profile's title in English."""
    _site, _lead, officer, _colleague = team(agency)
    draft = services.competency_profile_create(
        actor=None,
        agency=agency,
        staff_group="frontline",
        title="Frontline competencies",
        titles={"zh-hant": "前線職能"},
        competencies=[{"code": "calm", "name": "Calm", "behaviours": ["Stays calm"]}],
    )
    profile = services.competency_profile_promulgate(actor=None, profile=draft)
    ratings = {b.id: 3 for c in profile.competencies.all() for b in c.behaviours.all()}
    services.assessment_submit(actor=officer.user, subject=officer, ratings=ratings)
    client.force_login(officer.user)
    url = f"/api/v1/workforce/people/{officer.pk}/assessment"
    data = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hant").json()
    assert data["profile"] == f"前線職能 v{profile.version}"
    assert data["profile_en"] == f"Frontline competencies v{profile.version}"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["profile"] == data["profile_en"]
