"""Citizen pages for appointments: find a time, book or join the waitlist, manage, check in."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError
from civicdesk.organisations.calendar import site_calendar
from civicdesk.queues import appointments as appts
from civicdesk.queues.forms import PersonForm, ReferenceForm
from civicdesk.queues.models import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Channel,
    WaitlistEntry,
)
from civicdesk.queues.views import _kiosk_context, _site_or_404


def find_time(request: HttpRequest, agency_code: str, site_code: str):
    site = _site_or_404(agency_code, site_code)
    services = appts.appointment_services(site)
    chosen = request.GET.get("service", "")
    service = next((s for s in services if str(s.id) == chosen), None)
    context = {"site": site, "services": services, "service": service}
    if service is not None:
        days = appts.booking_days(service)
        try:
            day = date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = days[0] if days else None
        if day not in days:
            day = days[0] if days else None
        tz = site_calendar(site).tz
        slots = appts.upcoming_slots(service, day) if day else []
        for slot in slots:
            slot.local_start = slot.starts_at.astimezone(tz)
        context.update(days=days, day=day, slots=slots)
    return render(request, "queues/appointments_find.html", context)


@require_http_methods(["GET", "POST"])
def slot_book(request: HttpRequest, slot_id: int):
    slot = (
        AppointmentSlot.objects.select_related("service__site__agency")
        .filter(pk=slot_id, service__appointments_enabled=True, service__is_active=True)
        .first()
    )
    if slot is None:
        raise Http404
    appts.with_places([slot])
    slot.local_start = slot.starts_at.astimezone(site_calendar(slot.service.site).tz)
    form = PersonForm(request.POST or None)
    waitlist = slot.free == 0
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "language": get_language() or "en"}
        try:
            if waitlist:
                appts.waitlist_join(slot=slot, **data)
            else:
                appointment = appts.appointment_book(slot=slot, **data)
                return redirect("queues:appointment", token=appointment.token)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "queues/waitlist_joined.html", {"slot": slot})
    return render(
        request, "queues/appointment_book.html", {"slot": slot, "form": form, "waitlist": waitlist}
    )


def _appointment_or_404(token: str) -> Appointment:
    appointment = (
        Appointment.objects.select_related("slot__service__site__agency", "ticket")
        .filter(token=token[:64])
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


@require_http_methods(["GET", "POST"])
def appointment_page(request: HttpRequest, token: str):
    appointment = _appointment_or_404(token)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                appts.appointment_cancel(appointment=appointment)
            elif request.POST.get("action") == "check_in":
                ticket = appts.appointment_check_in(appointment=appointment, channel=Channel.REMOTE)
                return redirect("queues:ticket", token=ticket.token)
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("queues:appointment", token=appointment.token)
    opens, closes = appts.checkin_window(appointment)
    tz = site_calendar(appointment.slot.service.site).tz
    context = {
        "appointment": appointment,
        "slot": appointment.slot,
        "local_start": appointment.slot.starts_at.astimezone(tz),
        "can_check_in": appointment.status == AppointmentStatus.BOOKED and opens <= now() <= closes,
        "check_in_opens": opens.astimezone(tz),
        "error": error,
    }
    return render(request, "queues/appointment.html", context)


def appointment_invite(request: HttpRequest, token: str):
    appointment = _appointment_or_404(token)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    response = HttpResponse(
        appts.appointment_ics(appointment, cancelled=cancelled), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, token: str):
    entry = (
        WaitlistEntry.objects.select_related("slot__service__site__agency")
        .filter(token=token[:64])
        .first()
    )
    if entry is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                appointment = appts.waitlist_accept(entry=entry)
                return redirect("queues:appointment", token=appointment.token)
            appts.waitlist_decline(entry=entry)
            entry.refresh_from_db()
        except ApplicationError as exc:
            error = exc.message
    tz = site_calendar(entry.slot.service.site).tz
    context = {
        "entry": entry,
        "slot": entry.slot,
        "local_start": entry.slot.starts_at.astimezone(tz),
        "expires": entry.offer_expires_at.astimezone(tz) if entry.offer_expires_at else None,
        "open_offer": entry.status == "offered" and entry.offer_expires_at > now(),
        "error": error,
    }
    return render(request, "queues/offer.html", context)


@require_http_methods(["GET", "POST"])
def kiosk_check_in(request: HttpRequest, agency_code: str, site_code: str):
    site = _site_or_404(agency_code, site_code)
    context = _kiosk_context(request, site)
    form = ReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        appointment = appts.find_appointment(form.cleaned_data["reference"])
        if appointment is None or appointment.slot.service.site_id != site.id:
            form.add_error("reference", _not_found())
        else:
            try:
                ticket = appts.appointment_check_in(appointment=appointment)
            except ApplicationError as exc:
                form.add_error("reference", exc.message)
            else:
                url = reverse("queues:kiosk_ticket", kwargs={"token": ticket.token})
                return redirect(f"{url}?text=large" if context["large"] else url)
    context["form"] = form
    return render(request, "queues/kiosk_check_in.html", context)


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("We cannot find that reference for this office. Check it, or ask at the desk.")
