"""`civicdesk report programme` and the idempotent demo."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civicdesk.audit.models import AuditEntry
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


def _demo():
    out, err = StringIO(), StringIO()
    call_command("demo", stdout=out, stderr=err)
    return out.getvalue()


def test_demo_builds_the_pilot_programme_and_a_second_run_changes_nothing(tmp_path):
    _demo()
    programme = PilotProgramme.objects.get()
    assert programme.sites.count() == 8
    assert programme.sites.values("site__agency").distinct().count() == 3
    assert CompetencyProfile.objects.filter(status="promulgated").count() == 9
    assert Assessment.objects.filter(kind="self").exists()
    assert Assessment.objects.filter(kind="supervisor").exists()
    assert Idea.objects.filter(status=IdeaStatus.IMPLEMENTED).exists()
    assert TrainingSession.objects.filter(site__pilot_memberships__programme=programme).count() >= 8
    assert Enrolment.objects.filter(status="completed").exists()
    counts = [
        m.objects.count()
        for m in (AuditEntry, Assessment, Idea, TrainingSession, Enrolment, PilotProgramme)
    ]

    assert "already loaded" in _demo()
    assert counts == [
        m.objects.count()
        for m in (AuditEntry, Assessment, Idea, TrainingSession, Enrolment, PilotProgramme)
    ]

    pdf, html = tmp_path / "report.pdf", tmp_path / "out" / "report.html"
    err = StringIO()
    call_command(
        "report",
        "programme",
        "--id",
        str(programme.pk),
        "--output",
        str(pdf),
        stderr=err,
        stdout=StringIO(),
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
        stdout=StringIO(),
        stderr=StringIO(),
    )
    text = html.read_text()
    # The demo city has survey answers, so the report compares pilot sites with the rest.
    assert programme.name in text and 'data-testid="report-surveys"' in text


def test_report_command_refuses_unknown_programme_and_suffix(tmp_path):
    with pytest.raises(CommandError, match="No programme with id 999"):
        call_command("report", "programme", "--id", "999", "--output", str(tmp_path / "r.pdf"))
    with pytest.raises(CommandError, match=r"\.pdf or \.html"):
        call_command("report", "programme", "--id", "1", "--output", str(tmp_path / "r.docx"))
    assert list(tmp_path.iterdir()) == []
