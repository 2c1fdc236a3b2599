"""Agency admins (after two-factor) run profiles, programmes and awards from the staff pages."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.organisations.roles import Role
from civicdesk.organisations.tests.factories import AgencyFactory, SiteFactory, StaffFactory
from civicdesk.workforce import services
from civicdesk.workforce.models import Award, CompetencyProfile, PilotProgramme, ProfileStatus
from civicdesk.workforce.tests.factories import team

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, agency):
    admin = StaffFactory(agency=agency, role=Role.AGENCY_ADMIN)
    device = TOTPDevice.objects.create(user=admin.user, name="phone", confirmed=True)
    client.force_login(admin.user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/staff/two-factor/", {"token": code})
    client.admin = admin
    return client


def test_admin_starts_a_programme_and_adds_a_pilot_site_of_another_agency(admin_client, agency):
    url = reverse("workforce:programmes")
    assert admin_client.get(url).status_code == 200
    backwards = admin_client.post(
        url, {"name": "Pilot", "starts_on": "2026-09-01", "ends_on": "2026-08-01"}
    )
    assert "must end on or after" in backwards.content.decode()
    assert not PilotProgramme.objects.exists()
    response = admin_client.post(
        url,
        {"name": "Pilot", "starts_on": "2026-09-01", "ends_on": "2027-03-01", "aims": "Better"},
    )
    programme = PilotProgramme.objects.get()
    assert response.url == reverse("workforce:programme", args=[programme.pk])
    elsewhere = SiteFactory(agency=AgencyFactory(code="TRN"))
    own_site, lead, _o, _c = team(agency)
    page = admin_client.get(response.url)
    assert page.status_code == 200 and "Add pilot site" in page.content.decode()
    for site, owner in ((elsewhere, None), (own_site, lead)):
        data = {"action": "add_site", "pilot-site": site.pk}
        if owner:
            data["pilot-owner"] = owner.pk
        admin_client.post(response.url, data)
    assert set(programme.sites.values_list("site_id", "owner_id")) == {
        (elsewhere.pk, None),
        (own_site.pk, lead.pk),
    }
    sponsor = StaffFactory(agency=agency, role=Role.EXECUTIVE)
    admin_client.post(
        response.url, {"action": "add_role", "role-staff": sponsor.pk, "role-role": "sponsor"}
    )
    assert set(programme.roles.values_list("staff_id", "role")) == {
        (lead.pk, "owner"),
        (sponsor.pk, "sponsor"),
    }


def test_admin_opens_an_award_scheme(admin_client):
    url = reverse("workforce:awards")
    bad = admin_client.post(url, {"action": "create", "name": "", "period": "2026"})
    assert bad.status_code == 422 and "Enter the award" in bad.content.decode()
    admin_client.post(
        url,
        {"action": "create", "name": "Service Star", "period": "2026", "closes_on": "2099-01-01"},
    )
    assert Award.objects.get().name == "Service Star"


def test_admin_promulgates_a_new_version_from_the_page(admin_client, agency):
    profile = services.competency_profile_create(
        actor=None,
        agency=agency,
        staff_group="frontline",
        title="Frontline",
        competencies=[{"code": "welcome", "name": "Welcome", "behaviours": ["Greets"]}],
    )
    url = reverse("workforce:profile_detail", args=[profile.pk])
    admin_client.post(url, {"action": "promulgate"})
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.PROMULGATED
    response = admin_client.post(url, {"action": "new_version"})
    draft = profile.__class__.objects.get(version=2)
    assert response.url == reverse("workforce:profile_detail", args=[draft.pk])
    assert draft.status == ProfileStatus.DRAFT


def test_admin_drafts_a_profile_on_the_page(admin_client):
    url = reverse("workforce:profiles")
    admin_client.post(url, {"staff_group": "general", "title": "General staff"})
    draft = CompetencyProfile.objects.get()
    detail = reverse("workforce:profile_detail", args=[draft.pk])
    admin_client.post(detail, {"action": "add_competency", "name": "Serving colleagues"})
    competency = draft.competencies.get()
    assert competency.code == "serving-colleagues"
    admin_client.post(
        detail, {"action": "add_behaviour", "competency": competency.pk, "text": "Replies in a day"}
    )
    admin_client.post(detail, {"action": "add_behaviour", "competency": competency.pk, "text": "x"})
    extra = competency.behaviours.get(text="x")
    admin_client.post(detail, {"action": "remove_behaviour", "behaviour": extra.pk})
    page = admin_client.get(detail).content.decode()
    assert "Replies in a day" in page and "Add behaviour" in page
    admin_client.post(detail, {"action": "promulgate"})
    draft.refresh_from_db()
    assert draft.status == ProfileStatus.PROMULGATED
    assert list(competency.behaviours.values_list("text", flat=True)) == ["Replies in a day"]
