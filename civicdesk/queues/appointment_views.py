"""Citizen pages for appointments: find a time, book or join the waitlist, manage, check in."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError
from civicdesk.core.zones import render_in_zone
from civicdesk.organisations.calendar import site_calendar
from civicdesk.queues import appointments as appts
from civicdesk.queues.forms import PersonForm, ReferenceForm
from civicdesk.queues.lanes import APPOINTMENT
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
        day, problem = _asked_day(service, request.GET.get("day", ""), days)
        tz = site_calendar(site).tz
        slots = appts.upcoming_slots(service, day) if day and not problem else []
        for slot in slots:
            slot.local_start = slot.starts_at.astimezone(tz)
        context.update(
            days=days,
            full_days=appts.full_days(service, days),
            day=None if problem else day,
            slots=slots,
            day_problem=problem,
        )
        if problem:
            context["nearest_days"] = appts.nearest_days(days, day)
    return render_in_zone(site, request, "queues/appointments_find.html", context)


def _asked_day(service, text: str, days: list[date]) -> tuple[date | None, str | None]:
    """The day to show and, when the asked-for day cannot be booked, why (shown to the citizen)."""
    if not text:
        return (days[0] if days else None), None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, _("Enter a real date.")
    return day, appts.day_not_bookable(service, day, days)


@require_http_methods(["GET", "POST"])
def slot_book(request: HttpRequest, slot_id: int):
    """Book a place, or join the waitlist of a full time; only what the citizen pressed is done.

    The form says which (`action` = "book" or "waitlist"): when the last place goes to someone
    else between showing the form and pressing Book, the form comes back saying so and offering
    the waitlist as a button of its own, never joining it for them.
    """
    slot = (
        AppointmentSlot.objects.select_related("service__site__agency")
        .filter(pk=slot_id, service__appointments_enabled=True, service__is_active=True)
        .first()
    )
    if slot is None:
        raise Http404
    appts.with_places([slot])
    slot.local_start = slot.starts_at.astimezone(site_calendar(slot.service.site).tz)
    if slot.is_past:  # a page opened earlier: no form to fill in only to be refused
        return render_in_zone(
            slot.service.site,
            request,
            "queues/appointment_book.html",
            {"slot": slot, "passed": True},
        )
    form = PersonForm(request.POST or None)
    waitlist = slot.free == 0
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "language": get_language() or "en"}
        joining = request.POST.get("action") == "waitlist"
        try:
            if joining:
                entry = appts.waitlist_join(slot=slot, **data)
            else:
                appointment = appts.appointment_book(slot=slot, **data)
                return redirect("queues:appointment", token=appointment.token)
        except ApplicationError as error:
            if error.code == "slot_full" and not joining:
                waitlist, message = True, _just_taken()
            else:
                waitlist, message = joining and error.code != "slot_free", error.message
            form.add_error(None, message)
        else:
            # Its own page (the one an offer will link to), so that reloading asks nothing again.
            return redirect("queues:offer", token=entry.token)
    form.set_purpose(waitlist=waitlist)
    return render_in_zone(
        slot.service.site,
        request,
        "queues/appointment_book.html",
        {"slot": slot, "form": form, "waitlist": waitlist},
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
        if request.POST.get("action") == "cancel":  # a page from before cancelling was confirmed
            return redirect("queues:appointment_cancel", token=appointment.token)
        if request.POST.get("action") == "check_in":
            try:
                ticket = appts.appointment_check_in(appointment=appointment, channel=Channel.REMOTE)
            except ApplicationError as exc:
                error = exc.message
            else:
                _say_if_late(request, appointment, ticket)
                return redirect("queues:ticket", token=ticket.token)
        if error is None:
            return redirect("queues:appointment", token=appointment.token)
    opens, _closes = appts.checkin_window(appointment)
    tz = site_calendar(appointment.slot.service.site).tz
    state = appts.check_in_state(appointment, at=now())
    context = {
        "appointment": appointment,
        "slot": appointment.slot,
        "local_start": appointment.slot.starts_at.astimezone(tz),
        # Late or not, the kiosk checks in all day; this page says which queue it will be.
        "check_in_state": state,
        "can_check_in": state in ("on_time", "late"),
        "check_in_opens": opens.astimezone(tz),
        "error": error,
    }
    return render_in_zone(
        appointment.slot.service.site, request, "queues/appointment.html", context
    )


@require_http_methods(["GET", "POST"])
def appointment_cancel(request: HttpRequest, token: str):
    """Ask "are you sure?" first: cancelling offers the place to the waitlist and cannot be undone."""
    appointment = _appointment_or_404(token)
    if appointment.status != AppointmentStatus.BOOKED and request.method == "GET":
        return redirect("queues:appointment", token=appointment.token)
    error = None
    if request.method == "POST":
        try:
            appts.appointment_cancel(appointment=appointment)
        except ApplicationError as exc:
            error = exc.message
        else:
            return redirect("queues:appointment", token=appointment.token)
    tz = site_calendar(appointment.slot.service.site).tz
    context = {
        "appointment": appointment,
        "slot": appointment.slot,
        "local_start": appointment.slot.starts_at.astimezone(tz),
        # Once the time has started nobody is offered the place (nobody could get there).
        "started": appointment.slot.starts_at <= now(),
        "error": error,
    }
    return render_in_zone(
        appointment.slot.service.site, request, "queues/appointment_cancel.html", context
    )


def appointment_invite(request: HttpRequest, token: str):
    appointment = _appointment_or_404(token)
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    # In the booking's language, as the invite emailed with the confirmation: the same event
    # reads the same whichever browser downloads it.
    with translation.override(appointment.language):
        invite = appts.appointment_ics(appointment, cancelled=cancelled)
    response = HttpResponse(invite, content_type="text/calendar")
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
    error, status = None, None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                appointment = appts.waitlist_accept(entry=entry)
                return redirect("queues:appointment", token=appointment.token)
            appts.waitlist_decline(entry=entry)
            entry.refresh_from_db()
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    tz = site_calendar(entry.slot.service.site).tz
    if entry.status == "waiting":
        slot = entry.slot
        slot.local_start = slot.starts_at.astimezone(tz)
        return render_in_zone(
            slot.service.site,
            request,
            "queues/waitlist_joined.html",
            {
                "slot": slot,
                "entry": entry,
                "offer_hold": appts.offer_hold_text(phone=bool(entry.phone)),
            },
        )
    state = appts.offer_state(entry, at=now())
    context = {
        "entry": entry,
        "slot": entry.slot,
        "local_start": entry.slot.starts_at.astimezone(tz),
        "expires": entry.offer_expires_at.astimezone(tz) if entry.offer_expires_at else None,
        "expires_text": appts.offer_until_text(entry, at=now()) if entry.offer_expires_at else "",
        "offer_state": state,
        "open_offer": state == "open",
        "error": error,
    }
    return render_in_zone(
        entry.slot.service.site, request, "queues/offer.html", context, status=status
    )


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
                _say_if_late(request, appointment, ticket)
                url = reverse("queues:kiosk_ticket", kwargs={"token": ticket.token})
                return redirect(f"{url}?text=large" if context["large"] else url)
    context["form"] = form
    return render_in_zone(site, request, "queues/kiosk_check_in.html", context)


def _say_if_late(request: HttpRequest, appointment: Appointment, ticket) -> None:
    """After the grace the ticket is a walk-in's (the module rule): the ticket page says why, so
    that nobody waits to be called ahead of walk-ins in vain."""
    if ticket.lane == APPOINTMENT:
        return
    messages.info(
        request,
        _(
            "You checked in more than %(grace)s minutes after your appointment time, so you "
            "queue as a walk-in from when you checked in."
        )
        % {"grace": appointment.slot.service.late_grace_minutes},
    )


def _just_taken() -> str:
    return _(
        "Sorry, the last place at this time has just been booked by someone else, so your "
        "booking was not made. You can join the waitlist for this time, or choose another time."
    )


def _not_found() -> str:
    return _("We cannot find that reference for this office. Check it, or ask at the desk.")
