from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from civicdesk.organisations.forms import SignInForm, TokenForm
from civicdesk.organisations.permissions import Area, Scope, visible_areas
from civicdesk.organisations.two_factor import enrolment_qr_svg, totp_device_for, two_factor_verify

AREA_TEXT = {
    Area.ORGANISATION: (_("Organisation"), _("Departments, sites and opening hours.")),
    Area.STAFF: (_("Staff"), _("Staff accounts, roles and teams.")),
    Area.CASES: (_("Cases"), _("Enquiries, complaints, compliments and suggestions.")),
    Area.QUEUES: (_("Queues"), _("Tickets, counters and appointments.")),
    Area.SURVEYS: (_("Surveys"), _("Customer satisfaction, NPS and effort scores.")),
    Area.PLEDGES: (_("Pledges"), _("Performance pledges and their achievement.")),
    Area.INSIGHTS: (_("Insights"), _("Demand forecasts and staffing advice.")),
    Area.PERFORMANCE: (_("Performance"), _("Service performance of staff and teams.")),
    Area.WORKFORCE: (_("Workforce"), _("Competencies, assessments and improvement ideas.")),
    Area.TRAINING: (_("Training"), _("Programmes, sessions and attendance.")),
    Area.AUDIT: (_("Audit log"), _("Every staff action, tamper-evident.")),
}
SCOPE_TEXT = {
    Scope.OWN: _("your own records"),
    Scope.UNIT: _("your departments and sites"),
    Scope.AGENCY: _("your whole agency"),
    Scope.ALL: _("every agency"),
}


# Where each area's page lives, once its app provides one (url names that do not resolve yet are
# shown without a link).
AREA_URLS = {
    Area.AUDIT: "audit:log",
    Area.CASES: "cases:staff_queue",
    Area.QUEUES: "queues:staff_home",
    Area.SURVEYS: "surveys:results",
    Area.PLEDGES: "pledges:manage",
    Area.INSIGHTS: "insights:home",
    Area.WORKFORCE: "workforce:home",
    Area.TRAINING: "workforce:training",
    Area.PERFORMANCE: "insights:performance",
}


def _area_url(area: Area) -> str | None:
    try:
        return reverse(AREA_URLS[area]) if area in AREA_URLS else None
    except NoReverseMatch:
        return None


class SignInView(auth_views.LoginView):
    template_name = "organisations/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest):
    areas = [
        {
            "area": area.value,
            "title": AREA_TEXT[area][0],
            "description": AREA_TEXT[area][1],
            "read": SCOPE_TEXT[read],
            "write": SCOPE_TEXT.get(write),
            "url": _area_url(area),
        }
        for area, read, write in visible_areas(request.user)
    ]
    return render(request, "organisations/home.html", {"areas": areas})


@login_required
def two_factor(request: HttpRequest):
    device, enrolling = totp_device_for(request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(next_url or "staff:home")
        form.add_error("token", _("That code is not right or has expired. Try the current one."))
    context = {"form": form, "enrolling": enrolling, "next": next_url}
    if enrolling:
        context["qr"] = enrolment_qr_svg(device)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "organisations/two_factor.html", context)
