"""Staff pages to set up a site's services and counters (agency admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicdesk.core.errors import ApplicationError, NotAllowed
from civicdesk.organisations.selectors import site_list_for
from civicdesk.queues.configuration import SERVICE_FIELDS, counter_save, require_setup, service_save
from civicdesk.queues.forms import CounterForm, ServiceForm
from civicdesk.queues.models import Counter, Service


def _site(request, site_id: int):
    site = site_list_for(request.user).filter(pk=site_id).first()
    if site is None:
        raise Http404
    try:
        require_setup(request.user, site)
    except NotAllowed as error:
        raise Http404 from error
    return site


def _apply_errors(form, error: ApplicationError) -> None:
    errors = error.extra.get("errors") or {}
    placed = False
    for name, message in errors.items():
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@login_required
def setup(request: HttpRequest, site_id: int):
    site = _site(request, site_id)
    return render(
        request,
        "queues/setup.html",
        {
            "site": site,
            "services": Service.objects.filter(site=site),
            "counters": Counter.objects.filter(site=site).prefetch_related("services"),
        },
    )


@login_required
def service_edit(request: HttpRequest, site_id: int, service_id: int | None = None):
    site = _site(request, site_id)
    service = None
    if service_id is not None:
        service = Service.objects.filter(site=site, pk=service_id).first()
        if service is None:
            raise Http404
    form = ServiceForm(request.POST or None, instance=service or Service(site=site))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in SERVICE_FIELDS}
        # The form has written its values onto its instance: the service as stored is read
        # again, so that the audit entry records what changed from it.
        stored = Service.objects.get(pk=service.pk) if service else None
        try:
            saved = service_save(actor=request.user, site=site, service=stored, **data)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(service)s saved.") % {"service": saved})
            return redirect("queues:setup", site_id=site.id)
    heading = _("Change %(service)s") % {"service": service} if service else _("Add a service")
    return render(
        request, "queues/setup_form.html", {"site": site, "form": form, "heading": heading}
    )


@login_required
def counter_edit(request: HttpRequest, site_id: int, counter_id: int | None = None):
    site = _site(request, site_id)
    counter = None
    if counter_id is not None:
        counter = Counter.objects.filter(site=site, pk=counter_id).first()
        if counter is None:
            raise Http404
    site_services = list(Service.objects.filter(site=site))
    initial = (
        {
            "name": counter.name,
            "services": list(counter.services.values_list("id", flat=True)),
            "is_active": counter.is_active,
        }
        if counter
        else {"is_active": True}
    )
    form = CounterForm(request.POST or None, site_services=site_services, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = [s for s in site_services if s.id in form.cleaned_data["services"]]
        try:
            saved = counter_save(
                actor=request.user,
                site=site,
                counter=counter,
                name=form.cleaned_data["name"],
                services=chosen,
                is_active=form.cleaned_data["is_active"],
            )
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(counter)s saved.") % {"counter": saved})
            return redirect("queues:setup", site_id=site.id)
    heading = _("Change %(counter)s") % {"counter": counter} if counter else _("Add a counter")
    return render(
        request, "queues/setup_form.html", {"site": site, "form": form, "heading": heading}
    )
