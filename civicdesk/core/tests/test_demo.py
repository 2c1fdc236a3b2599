"""`civicdesk demo`: Harbour City, every app's part of it, and a second run that changes nothing.

The whole demo takes minutes, so it runs twice per suite and only here: `demo_city` runs it
on an empty database, then again, inside one transaction rolled back when this module ends
(what Django's TestCase.setUpClass does). Each test below checks one app's facts on that data
inside its own savepoint (the `db` fixture). Each run's on-commit callbacks (audit sealing,
deliveries) are executed after it and deferred constraints checked, as when the command commits.

Apps' own `demo.load()` on a minimal city is tested in their test_demo.py.
"""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase

from civicdesk.audit.models import AuditEntry
from civicdesk.cases.models import Case, CaseMessage, CaseStatus, CaseTransfer, IntakeChannel
from civicdesk.core.clock import now
from civicdesk.organisations.models import Agency, Department, Site, StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import StaffFactory
from civicdesk.surveys.demo import IMPROVEMENT_DAYS_AGO
from civicdesk.surveys.models import Answer, Invitation, Response, Suggestion
from civicdesk.surveys.selectors import evaluation_for
from civicdesk.workforce.models import (
    Assessment,
    CompetencyProfile,
    Enrolment,
    Idea,
    IdeaStatus,
    PilotProgramme,
    TrainingSession,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str
    counts: dict[str, int]  # every table's row count after the run
    rows: dict[str, list[tuple]]  # every table's rows (all columns, by pk) after the run


@dataclass(frozen=True)
class DemoCity:
    first: Run
    second: Run


def _tables():
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _run_demo() -> Run:
    out, err = io.StringIO(), io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("demo", stdout=out, stderr=err)
    # Deferred foreign keys are checked here, as at the command's commit, and only once: left
    # pending, PostgreSQL would check every demo row again at each test's teardown (seconds each).
    connection.check_constraints()
    counts, rows = {}, {}
    for model in _tables():
        fields = [field.attname for field in model._meta.concrete_fields]
        manager = model._base_manager
        counts[model._meta.label] = manager.count()
        rows[model._meta.label] = list(manager.order_by("pk").values_list(*fields))
    return Run(out.getvalue(), err.getvalue(), counts, rows)


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo run twice on an empty database; everything is rolled back after this module."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            assert Agency.objects.count() == 0, "the demo must start from an empty database"
            yield DemoCity(first=_run_demo(), second=_run_demo())
        finally:
            transaction.set_rollback(True)


# --- the command itself ----------------------------------------------------------------------


def test_a_second_run_changes_no_row_of_any_table(demo_city):
    first, second = demo_city.first, demo_city.second
    assert first.counts["organisations.Agency"] > 0
    assert second.counts == first.counts
    changed = [label for label in first.rows if second.rows[label] != first.rows[label]]
    assert changed == []


def test_a_second_run_says_nothing_changed_and_shows_no_password(demo_city):
    first, second = demo_city.first.stdout, demo_city.second.stdout
    line = next(ln for ln in first.splitlines() if ln.strip().startswith("hsg.qsm"))
    password = line.split()[1]
    assert "nothing changed" in second
    assert "already loaded" in second
    assert password not in second


def test_every_account_password_is_printed_once_and_works(demo_city):
    out = demo_city.first.stdout
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("hsg.qsm"))
    password = line.split()[1]
    assert get_user_model().objects.get(username="hsg.qsm").check_password(password)
    assert out.count(password) == 1


# --- organisations (core) ----------------------------------------------------------------------


def test_harbour_city_has_three_agencies_their_sites_and_every_role(demo_city):
    assert set(Agency.objects.values_list("code", flat=True)) == {"HSG", "TRN", "ENV"}
    assert Site.objects.count() == 12
    assert Department.objects.count() >= 9
    roles = set(StaffProfile.objects.values_list("role", flat=True))
    assert roles == {role.value for role in Role}
    for agency in Agency.objects.all():
        assert agency.sites.exclude(opening_hours={}).count() == 4
    counts = demo_city.first.counts
    for model in (Agency, Department, Site, StaffProfile, get_user_model(), AuditEntry):
        assert demo_city.second.counts[model._meta.label] == counts[model._meta.label]


# --- cases ----------------------------------------------------------------------------------


def test_cases_have_history_across_channels_and_statuses(demo_city):
    count = Case.objects.count()
    assert count > 100
    assert set(Case.objects.values_list("channel", flat=True)) == set(IntakeChannel.values)
    assert set(Case.objects.values_list("status", flat=True)) >= {
        CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.CLOSED,
        CaseStatus.AWAITING_CITIZEN,
    }  # fmt: skip
    assert Case.objects.filter(breached_at__isnull=False).exists()
    assert Case.objects.filter(merged_into__isnull=False).exists()
    assert CaseTransfer.objects.filter(case__transfer_count__gt=2).exists()
    assert (
        Case.objects.filter(language="zh-hant").exists()
        and Case.objects.filter(language="en").exists()
    )
    first, second = demo_city.first.counts, demo_city.second.counts
    for model in (Case, CaseMessage):
        assert second[model._meta.label] == first[model._meta.label]


# --- workforce --------------------------------------------------------------------------------


def test_workforce_pilot_programme_is_built(demo_city):
    programme = PilotProgramme.objects.get()
    assert programme.sites.count() == 8
    assert programme.sites.values("site__agency").distinct().count() == 3
    assert CompetencyProfile.objects.filter(status="promulgated").count() == 9
    assert Assessment.objects.filter(kind="self").exists()
    assert Assessment.objects.filter(kind="supervisor").exists()
    assert Idea.objects.filter(status=IdeaStatus.IMPLEMENTED).exists()
    assert TrainingSession.objects.filter(site__pilot_memberships__programme=programme).count() >= 8
    assert Enrolment.objects.filter(status="completed").exists()
    first, second = demo_city.first.counts, demo_city.second.counts
    for model in (AuditEntry, Assessment, Idea, TrainingSession, Enrolment, PilotProgramme):
        assert second[model._meta.label] == first[model._meta.label]


def test_programme_report_of_the_demo_city_as_pdf_and_html(demo_city, tmp_path):
    programme = PilotProgramme.objects.get()
    pdf, html = tmp_path / "report.pdf", tmp_path / "out" / "report.html"
    err = io.StringIO()
    call_command(
        "report",
        "programme",
        "--id",
        str(programme.pk),
        "--output",
        str(pdf),
        stderr=err,
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "[6/6]" in err.getvalue()
    call_command(
        "report",
        "programme",
        "--id",
        str(programme.pk),
        "--output",
        str(html),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    text = html.read_text()
    # The demo city has survey answers, so the report compares pilot sites with the rest.
    assert programme.name in text and 'data-testid="report-surveys"' in text


# --- surveys ----------------------------------------------------------------------------------


def test_surveys_have_six_months_of_answers_and_one_link_to_try(demo_city):
    assert "/s/" in demo_city.first.stdout
    assert Invitation.objects.filter(source="demo", answered_at=None).count() == 1
    assert Response.objects.count() > 2000
    oldest = Response.objects.order_by("answered_at").first().answered_at
    assert now() - oldest > timedelta(days=170)
    assert Suggestion.objects.count() == 6
    first, second = demo_city.first.counts, demo_city.second.counts
    # The demo invitation, and those of closed demo cases.
    for model in (Invitation, Response, Answer, Suggestion):
        assert second[model._meta.label] == first[model._meta.label]


def test_surveys_improvement_at_the_hcc_site_is_found(demo_city):
    site = Site.objects.get(agency__code="HSG", code="HCC")
    qsm = StaffFactory(agency=site.agency, role=Role.QSM).user
    change = (now() - timedelta(days=IMPROVEMENT_DAYS_AGO)).date()
    evaluation = evaluation_for(
        qsm,
        scope_field="site_id",
        scope_values=[site.pk],
        before=(change - timedelta(days=90), change - timedelta(days=1)),
        after=(change, now().date()),
    )
    assert evaluation.comparisons
    for comparison in evaluation.comparisons:
        assert comparison.verdict == "significant", comparison.explanation
        assert comparison.difference > 0
        assert comparison.did is not None and comparison.did_p_value < 0.05
