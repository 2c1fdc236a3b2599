"""Invitations and answers through the real services."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.core.errors import ValidationFailed
from civicdesk.notify.models import OutboxMessage
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.surveys import services
from civicdesk.surveys.errors import InvitationExpired, InvitationUnknown, InvitationUsed
from civicdesk.surveys.models import Answer, Delivery, Invitation, Response, Source

pytestmark = pytest.mark.django_db

GOOD = {
    "satisfied": "5",
    "trust": "4",
    "effort": "6",
    "recommend": "9",
    "went_well": "Quick and friendly",
}


def invite(agency, **kwargs):
    kwargs.setdefault("contact_email", "chan@example.org")
    return services.survey_invite(agency=agency, **kwargs)


def test_default_survey_follows_a11_and_has_at_most_15_questions(agency):
    survey = services.survey_create_default(agency=agency)
    questions = list(survey.current_version.questions.all())
    keys = [q.key for q in questions]
    for key in (
        "satisfied", "trust", "need_addressed", "easy", "reasonable_time", "treated_fairly",
        "helpful", "went_well", "not_well", "recommend", "effort",
    ):  # fmt: skip
        assert key in keys
    assert {q.kind for q in questions} >= {"csat", "nps", "ces", "text"}
    assert len(questions) <= 15
    for q in questions:
        assert set(q.text) == {"en", "zh-hant", "zh-hans", "ms"}
    assert services.survey_create_default(agency=agency).pk == survey.pk  # idempotent


def test_invite_by_email_queues_a_link_with_only_a_token(
    agency, django_capture_on_commit_callbacks
):
    site = SiteFactory(agency=agency)
    officer = StaffFactory(agency=agency)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(
            agency, site=site, officer=officer, service_key="A", service_name="Rent",
            language="zh-hant",
        )  # fmt: skip
    assert invitation.delivery == Delivery.EMAIL
    assert invitation.site == site and invitation.officer == officer
    message = OutboxMessage.objects.get(related_id=str(invitation.pk))
    url = services.invitation_url(invitation)
    assert url.endswith(f"/s/{invitation.token}/")
    assert url in message.body
    assert "chan" not in url and "example" not in url.split("/s/")[1]
    assert len(invitation.token) >= 32
    assert "chan@example.org" not in invitation.contact_hash
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["chan@example.org"]
    assert "您" in mail.outbox[0].body or "Thank" in mail.outbox[0].body


def test_invite_by_sms_and_by_qr(agency):
    sms = services.survey_invite(agency=agency, contact_phone="+852 9123 4567")
    assert sms.delivery == Delivery.SMS
    assert OutboxMessage.objects.get(related_id=str(sms.pk)).channel == "sms"
    qr = services.survey_invite(agency=agency)
    assert qr.delivery == Delivery.QR
    assert not OutboxMessage.objects.filter(related_id=str(qr.pk)).exists()
    assert services.invitation_qr_svg(qr).startswith("data:image/svg+xml")


def test_no_one_is_asked_twice_within_the_quiet_period(agency):
    policy = services.survey_policy_for(agency)
    policy.quiet_days = 30
    policy.save()
    assert invite(agency, contact_email="Chan@Example.org ") is not None
    assert invite(agency, contact_email="chan@example.org") is None  # same person, normalised
    assert invite(agency, contact_email="lee@example.org") is not None
    with time_machine.travel(services.now() + timedelta(days=31)):
        assert invite(agency, contact_email="chan@example.org") is not None
    # The hash is per agency: another agency may ask the same person.
    from civicdesk.organisations.tests.factories import AgencyFactory

    assert invite(AgencyFactory(), contact_email="chan@example.org") is not None


def test_sampling_rate_zero_invites_nobody_and_half_invites_some(agency):
    policy = services.survey_policy_for(agency)
    policy.sampling_rate = 0
    policy.save()
    assert invite(agency) is None
    policy.sampling_rate = "0.5"
    policy.save()
    invited = sum(services.survey_invite(agency=agency) is not None for _ in range(200))
    assert 60 < invited < 140  # binomial(200, 0.5): outside this range has p < 1e-8


def test_answer_is_stored_with_context_and_scores(agency):
    site = SiteFactory(agency=agency)
    officer = StaffFactory(agency=agency)
    invitation = invite(agency, site=site, officer=officer, service_key="A", channel="counter")
    response = services.response_submit(token=invitation.token, answers=GOOD, language="ms")
    assert (response.csat, response.nps, response.ces) == (5, 9, 6)
    assert response.site == site and response.officer == officer
    assert response.service_key == "A" and response.channel == "counter"
    assert response.language == "ms"
    assert response.version == invitation.version
    assert Answer.objects.filter(response=response).count() == 5
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_a_link_works_once(agency):
    invitation = invite(agency)
    services.response_submit(token=invitation.token, answers=GOOD)
    with pytest.raises(InvitationUsed):
        services.response_submit(token=invitation.token, answers=GOOD)
    with pytest.raises(InvitationUsed):
        services.invitation_open(token=invitation.token)
    assert Response.objects.count() == 1


def test_expired_and_forged_links_are_refused(agency):
    invitation = invite(agency)
    with pytest.raises(InvitationUnknown):
        services.invitation_open(token="not-a-real-token")
    token = invitation.token
    forged = token[:-1] + ("x" if token[-1] != "x" else "y")  # never the real token
    with pytest.raises(InvitationUnknown):
        services.response_submit(token=forged, answers=GOOD)
    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)):
        with pytest.raises(InvitationExpired):
            services.invitation_open(token=invitation.token)
        with pytest.raises(InvitationExpired):
            services.response_submit(token=invitation.token, answers=GOOD)
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("key", "value"),
    [("satisfied", "6"), ("satisfied", "0"), ("recommend", "11"), ("effort", "8"), ("trust", "x")],
)
def test_out_of_range_answers_are_refused_and_nothing_is_stored(agency, key, value):
    invitation = invite(agency)
    with pytest.raises(services.AnswersInvalid) as info:
        services.response_submit(token=invitation.token, answers={**GOOD, key: value})
    assert key in info.value.errors
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is None  # may try again


def test_required_question_must_be_answered(agency):
    invitation = invite(agency)
    with pytest.raises(services.AnswersInvalid) as info:
        services.response_submit(token=invitation.token, answers={"trust": "3"})
    assert set(info.value.errors) == {"satisfied"}


def test_editing_the_survey_while_someone_answers_loses_nothing(agency):
    qsm = StaffFactory(agency=agency, role=Role.QSM).user
    invitation = invite(agency)
    survey = services.survey_create_default(agency=agency)
    old_version = survey.current_version
    # The QSM replaces the survey with a two-question one that reuses the key "satisfied".
    services.survey_publish(
        actor=qsm,
        survey=survey,
        questions=[
            {"key": "satisfied", "kind": "yes_no", "text": {"en": "Were you served?"}},
            {"key": "comment", "kind": "text", "text": {"en": "Anything else?"}},
        ],
    )
    survey.refresh_from_db()
    assert survey.current_version.number == old_version.number + 1
    response = services.response_submit(token=invitation.token, answers=GOOD)
    # Answered against the version the person saw: a CSAT of 5, every answer kept.
    assert response.version == old_version
    assert response.csat == 5
    assert Answer.objects.filter(response=response, question__version=old_version).count() == 5
    # The old version's questions still mean what they meant.
    assert old_version.questions.get(key="satisfied").kind == "csat"
    # New invitations use the new version.
    assert invite(agency, contact_email="new@example.org").version == survey.current_version


def test_publish_refuses_more_than_15_questions_and_needs_permission(agency):
    survey = services.survey_create_default(agency=agency)
    qsm = StaffFactory(agency=agency, role=Role.QSM).user
    questions = [{"key": f"q{i}", "kind": "csat", "text": {"en": f"Q{i}"}} for i in range(16)]
    with pytest.raises(ValidationFailed):
        services.survey_publish(actor=qsm, survey=survey, questions=questions)
    lead = StaffFactory(agency=agency, role=Role.TEAM_LEAD).user
    from civicdesk.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.survey_publish(actor=lead, survey=survey, questions=questions[:3])
    survey.refresh_from_db()
    assert survey.current_version.number == 1


def test_invite_takes_a_bounded_number_of_queries(agency):
    services.survey_create_default(agency=agency)
    with CaptureQueriesContext(connection) as ctx:
        invite(agency)
    assert len(ctx.captured_queries) <= 18  # savepoints included


def test_source_must_be_known(agency):
    with pytest.raises(ValidationFailed):
        services.survey_invite(agency=agency, source="carrier-pigeon")
    assert services.survey_invite(agency=agency, source=Source.CASE).source == "case"
    assert Invitation.objects.count() == 1
