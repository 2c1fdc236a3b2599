"""The pilot programme's pages and report name its sites and agencies in the reader's language
(they were in English on Chinese and Malay pages)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from civicdesk.core.clock import now
from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import SiteFactory, StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.models import Idea
from civicdesk.workforce.selectors import idea_counts
from civicdesk.workforce.tests.factories import idea_by, team, training_with_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """Pages asked for in Chinese or Malay leave that language active in the thread."""
    yield
    translation.deactivate()


@pytest.fixture
def pilot(agency):
    agency.names = {"zh-hant": "房屋署"}
    agency.save()
    site = SiteFactory(agency=agency, name="North Office", names={"zh-hant": "北區辦事處"})
    site, lead, officer, _colleague = team(agency, site=site)
    training_with_session(agency, site=site, capacity=3)
    idea_by(officer, site=site)
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    programme = services.pilot_programme_create(
        actor=admin.user,
        agency=agency,
        name="Pilot",
        starts_on=timezone.localdate(now()) - timedelta(days=30),
        ends_on=timezone.localdate(now()) + timedelta(days=60),
        sites=[site],
        sponsor=StaffFactory(agency=agency, role=Role.EXECUTIVE),
    )
    return {"programme": programme, "lead": lead}


def test_programme_training_and_report_name_sites_in_chinese(client, pilot):
    client.force_login(pilot["lead"].user)
    client.cookies["django_language"] = "zh-hant"
    pk = pilot["programme"].pk
    for url in (
        reverse("workforce:programme", args=[pk]),
        reverse("workforce:training"),
        reverse("workforce:ideas"),
    ):
        html = client.get(url).content.decode()
        assert "北區辦事處" in html, url
        assert "North Office" not in html, url


def test_idea_counts_by_site_in_chinese(pilot):
    with translation.override("zh-hant"):
        rows = idea_counts(Idea.objects.all(), by="site")
    assert [row["label"] for row in rows] == ["北區辦事處"]


def test_site_choices_are_named_in_chinese(client, pilot):
    from civicdesk.organisations.models import Site
    from civicdesk.workforce.forms import IdeaForm

    with translation.override("zh-hant"):
        form = IdeaForm(sites=Site.objects.select_related("agency"))
        labels = [label for _value, label in form.fields["site"].choices]
    assert any(label.endswith("北區辦事處") for label in labels)
