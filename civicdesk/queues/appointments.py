"""Appointments: bookable slots, booking and cancelling, the waitlist, and check-in.

The rules, as shown to citizens:
- Slots follow the site's opening hours; public holidays and closures have none.
- A slot has a number of places. When it is full you can join its waitlist. When someone cancels,
  the first person on the waitlist is offered the place by email (with a tentative calendar
  invite, invites.py) and SMS if given, with a link that works for OFFER_HOURS hours of the
  site's opening hours (its working-time calendar: hours while it is closed do not count, so an
  offer made at night runs from the next opening), never past the start of the slot; the place
  is held for them meanwhile. If they decline or the offer runs out, the next person is offered
  it. Joining the waitlist is confirmed by email, with the link to leave it.
- Check-in (at the kiosk with the reference, or on the appointment page) opens CHECK_IN_EARLY
  minutes before the slot. Checked in up to the service's `late_grace_minutes` after the start,
  you join the appointment priority lane, so you are called ahead of walk-ins by the lane rule
  (lanes.py: at most K priority calls in a row); within the priority lane your place counts from
  the slot's start, not from when you arrived. Later than the grace you are still seen that day,
  but as a walk-in: normal lane, counted from when you checked in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicdesk.core.clock import now
from civicdesk.core.errors import Conflict, NotFound, ValidationFailed
from civicdesk.core.text import sentences
from civicdesk.core.zones import local_time
from civicdesk.notify.services import notify_enqueue
from civicdesk.organisations.calendar import NeverOpen, site_calendar
from civicdesk.queues.invites import appointment_ics, offer_ics, public_url
from civicdesk.queues.lanes import APPOINTMENT, NORMAL
from civicdesk.queues.models import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Channel,
    Service,
    Ticket,
    WaitlistEntry,
    WaitlistStatus,
)
from civicdesk.queues.services import PHONE_RE, ticket_issue

OFFER_HOURS = 2
CHECK_IN_EARLY = timedelta(minutes=30)
BOOKING_DAYS = 21
ACTIVE = [AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN]


# --- slots ----------------------------------------------------------------------------------------
def slots_ensure(*, service: Service, day: date) -> list[AppointmentSlot]:
    """The slots of a service on a local day, created from opening hours if missing."""
    if not service.appointments_enabled:
        return []
    calendar = site_calendar(service.site)
    length = timedelta(minutes=service.slot_minutes)
    wanted = []
    for start, end in calendar.intervals_on(day):
        at = start
        while at + length <= end:
            wanted.append(
                AppointmentSlot(
                    service=service,
                    starts_at=at,
                    ends_at=at + length,
                    capacity=service.slot_capacity,
                )
            )
            at += length
    if wanted:
        AppointmentSlot.objects.bulk_create(wanted, ignore_conflicts=True)
        return list(
            AppointmentSlot.objects.filter(
                service=service,
                starts_at__gte=wanted[0].starts_at,
                starts_at__lte=wanted[-1].starts_at,
            ).order_by("starts_at")
        )
    return []


def booking_days(service: Service, *, count: int = 10) -> list[date]:
    """The next `count` working days of the site, from today."""
    calendar = site_calendar(service.site)
    day = now().astimezone(calendar.tz).date()
    days = []
    for _i in range(BOOKING_DAYS * 2):
        if calendar.is_working_day(day):
            days.append(day)
            if len(days) == count:
                break
        day += timedelta(days=1)
    return days


def day_not_bookable(service: Service, day: date, days: list[date]) -> str | None:
    """Why a day the citizen asked for cannot be booked (`days` from booking_days), or None."""
    if day in days:
        return None
    calendar = site_calendar(service.site)
    if day < now().astimezone(calendar.tz).date():
        return _("That day has passed.")
    if not calendar.is_working_day(day):
        return _("The office is closed on %(day)s.") % {"day": date_format(day, "l j F")}
    if days and day > days[-1]:
        return _("Appointments can be booked up to %(day)s.") % {
            "day": date_format(days[-1], "l j F")
        }
    return _("There are no appointments on %(day)s.") % {"day": date_format(day, "l j F")}


def nearest_days(days: list[date], day: date | None, *, count: int = 3) -> list[date]:
    """The `count` bookable days closest to `day` (the first ones when there is no day)."""
    if day is None:
        return days[:count]
    return sorted(sorted(days, key=lambda d: (abs((d - day).days), d))[:count])


def with_places(slots) -> list[AppointmentSlot]:
    """Annotate each slot with `.taken` (booked + held offers) and `.free`."""
    at = now()
    ids = [s.id for s in slots]
    booked = dict(
        Appointment.objects.filter(slot_id__in=ids, status__in=ACTIVE)
        .values("slot_id")
        .annotate(n=Count("id"))
        .values_list("slot_id", "n")
    )
    held = dict(
        WaitlistEntry.objects.filter(
            slot_id__in=ids, status=WaitlistStatus.OFFERED, offer_expires_at__gt=at
        )
        .values("slot_id")
        .annotate(n=Count("id"))
        .values_list("slot_id", "n")
    )
    for slot in slots:
        slot.taken = booked.get(slot.id, 0) + held.get(slot.id, 0)
        slot.free = max(slot.capacity - slot.taken, 0)
        slot.is_past = slot.starts_at <= at
    return slots


def _taken(slot: AppointmentSlot, *, excluding_offer: WaitlistEntry | None = None) -> int:
    booked = Appointment.objects.filter(slot=slot, status__in=ACTIVE).count()
    held = WaitlistEntry.objects.filter(
        slot=slot, status=WaitlistStatus.OFFERED, offer_expires_at__gt=now()
    )
    if excluding_offer is not None:
        held = held.exclude(pk=excluding_offer.pk)
    return booked + held.count()


def _lock_slot(slot: AppointmentSlot) -> AppointmentSlot:
    locked = (
        AppointmentSlot.objects.select_for_update(of=("self",), no_key=True)
        .select_related("service", "service__site", "service__site__agency")
        .filter(pk=slot.pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("There is no such appointment time."))
    return locked


def _validate_person(name: str, email: str, phone: str) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter your name.")
    if "@" not in email or " " in email.strip() or len(email) > 254:
        errors["email"] = _("Enter an email address like name@example.com.")
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("Enter a mobile number like +852 9123 4567.")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), errors=errors)


# --- notices -------------------------------------------------------------------------------------
def _when(slot: AppointmentSlot) -> str:
    local = local_time(slot.starts_at, slot.service.site)
    return date_format(local, "l j F Y, H:i")  # in the language active for the message


def _slot_words(slot: AppointmentSlot, *, name: str) -> dict[str, str]:
    """What a notice says of its slot, in the active language (call it inside the person's
    translation.override): the service, the site, the time and the person's name."""
    return {
        "service": slot.service.display_name,
        "site": slot.service.site.display_name,
        "when": _when(slot),
        "name": name,
    }


def _confirm(appointment: Appointment) -> None:
    slot = appointment.slot
    with translation.override(appointment.language):
        words = _slot_words(slot, name=appointment.name)
        subject = _("Appointment booked: %(service)s, %(when)s") % words
        body = _(
            "Dear %(name)s,\n\nYour appointment for %(service)s at %(site)s (%(address)s) is "
            "booked for %(when)s. Your reference is %(ref)s.\n\nCheck in at the kiosk with your "
            "reference, or on this page from 30 minutes before: %(link)s\nYou can cancel there "
            "too.\n\nThe calendar invite is attached."
        ) % {
            **words,
            "address": slot.service.site.address,
            "ref": appointment.reference,
            "link": public_url("queues:appointment", appointment.token),
        }
        # The late rule, as the appointment page says it: nobody learns it only at the kiosk.
        body += "\n\n" + _(
            "Up to %(grace)s minutes late you are still called ahead of walk-ins; later, you "
            "queue as a walk-in."
        ) % {"grace": slot.service.late_grace_minutes}
        invite = appointment_ics(appointment)
    _email(to=appointment.email, subject=subject, body=body, slot=slot, related=appointment,
           dedupe_key=f"queues:appointment:{appointment.pk}:booked",
           invite=invite, filename="appointment.ics")  # fmt: skip


# --- booking --------------------------------------------------------------------------------------
@transaction.atomic
def appointment_book(
    *, slot: AppointmentSlot, name: str, email: str, phone: str = "", language: str = "en"
) -> Appointment:
    """Book a place. A full slot or a past one is a clear error (join the waitlist instead)."""
    name, email, phone = name.strip()[:120], email.strip(), phone.strip()
    _validate_person(name, email, phone)
    slot = _lock_slot(slot)
    if not slot.service.appointments_enabled or not slot.service.is_active:
        raise NotFound(_("This service does not take appointments."))
    if slot.starts_at <= now():
        raise Conflict(_("This time has passed. Choose a later one."), code="slot_past")
    # Book pressed twice, or the form sent again from the browser's history: one place, not two
    # (two would leave others only the waitlist). Said after the slot is locked, so no gap.
    if slot.appointments.filter(email__iexact=email, status__in=ACTIVE).exists():
        raise Conflict(
            _(
                "You already have an appointment at this time: the confirmation email has its "
                "link and reference."
            ),
            code="already_booked",
        )
    if _taken(slot) >= slot.capacity:
        raise Conflict(
            _("This time is fully booked. Choose another, or join its waitlist."),
            code="slot_full",
        )
    appointment = Appointment.objects.create(
        slot=slot, name=name, email=email, phone=phone, language=language[:10]
    )
    _confirm(appointment)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment) -> Appointment:
    """The citizen cancels; the place goes to the first person on the slot's waitlist."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("slot__service__site__agency")
        .get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(_("This appointment can no longer be cancelled."), code="not_booked")
    slot = _lock_slot(appointment.slot)
    appointment.status, appointment.cancelled_at = AppointmentStatus.CANCELLED, now()
    appointment.save(update_fields=["status", "cancelled_at"])
    with translation.override(appointment.language):
        subject = _("Appointment cancelled: %(ref)s") % {"ref": appointment.reference}
        body = _(
            "Dear %(name)s,\n\nYour appointment for %(service)s at %(site)s on %(when)s "
            "(reference %(ref)s) is cancelled. The calendar update attached removes it from your "
            "calendar.\n\nYou can book another time here: %(link)s"
        ) % {
            **_slot_words(slot, name=appointment.name),
            "ref": appointment.reference,
            "link": _appointments_url(slot),
        }
        invite = appointment_ics(appointment, cancelled=True)
    _email(to=appointment.email, subject=subject, body=body, slot=slot, related=appointment,
           dedupe_key=f"queues:appointment:{appointment.pk}:cancelled",
           invite=invite, filename="appointment.ics")  # fmt: skip
    _offer_free_places(slot)
    return appointment


# --- waitlist -------------------------------------------------------------------------------------
@transaction.atomic
def waitlist_join(
    *, slot: AppointmentSlot, name: str, email: str, phone: str = "", language: str = "en"
) -> WaitlistEntry:
    name, email, phone = name.strip()[:120], email.strip(), phone.strip()
    _validate_person(name, email, phone)
    slot = _lock_slot(slot)
    if slot.starts_at <= now():
        raise Conflict(_("This time has passed. Choose a later one."), code="slot_past")
    if _taken(slot) < slot.capacity:
        raise Conflict(_("This time still has a place: book it."), code="slot_free")
    if slot.waitlist.filter(
        email__iexact=email, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    ).exists():
        raise Conflict(
            _("You are already on the waitlist for this time: the email we sent you has its link."),
            code="already_waiting",
        )
    if slot.appointments.filter(email__iexact=email, status__in=ACTIVE).exists():
        raise Conflict(_("You already have an appointment at this time."), code="already_booked")
    entry = WaitlistEntry.objects.create(
        slot=slot, name=name, email=email, phone=phone, language=language[:10]
    )
    _confirm_waitlist(entry)
    return entry


def offer_hold_text(*, phone: bool) -> str:
    """What happens when a place comes free, in the active language: the waitlist page and the
    email confirming a join say it in the same words."""
    if phone:
        told = _("If a place comes free we will email you and text you a link to take it.")
    else:
        told = _("If a place comes free we will email you a link to take it.")
    held = ngettext(
        "The place is then held for you for %(hours)s hour while the office is open (hours "
        "when it is closed do not count), and never past the start of the appointment.",
        "The place is then held for you for %(hours)s hours while the office is open (hours "
        "when it is closed do not count), and never past the start of the appointment.",
        OFFER_HOURS,
    ) % {"hours": OFFER_HOURS}
    return sentences(told, held)


def _confirm_waitlist(entry: WaitlistEntry) -> None:
    """The join confirmed by email: the link in it is the way back to leave the waitlist."""
    if not entry.email:
        return
    slot = entry.slot
    with translation.override(entry.language):
        words = _slot_words(slot, name=entry.name)
        subject = _("On the waitlist: %(service)s, %(when)s") % words
        body = _(
            "Dear %(name)s,\n\nYou are on the waitlist for %(service)s at %(site)s on "
            "%(when)s.\n\n%(offer)s\n\nTo leave the waitlist, use this page: %(link)s"
        ) % {
            **words,
            "offer": offer_hold_text(phone=bool(entry.phone)),
            "link": public_url("queues:offer", entry.token),
        }
    _email(to=entry.email, subject=subject, body=body, slot=slot, related=entry,
           dedupe_key=f"queues:waitlist:{entry.pk}:joined:email")  # fmt: skip


def offer_expiry(slot: AppointmentSlot, *, at: datetime) -> datetime:
    """When an offer made at `at` runs out: OFFER_HOURS of the site's opening hours later (its
    working-time calendar, so a night does not eat the time), but never after the slot starts."""
    try:
        deadline = site_calendar(slot.service.site).add_working_hours(at, OFFER_HOURS)
    except NeverOpen:  # no opening hours left at all: plain hours, not months of holding
        deadline = at + timedelta(hours=OFFER_HOURS)
    return min(deadline, slot.starts_at)


def _offer_free_places(slot: AppointmentSlot) -> int:
    """Offer each free place of a (locked) slot to the next person waiting. Returns offers made."""
    at = now()
    if slot.starts_at <= at:
        return 0
    offers = 0
    free = slot.capacity - _taken(slot)
    waiting = slot.waitlist.filter(status=WaitlistStatus.WAITING).order_by("created_at", "id")
    expires_at = None
    for entry in waiting[: max(free, 0)]:
        if expires_at is None:  # one calendar read per slot, and only when someone is offered
            expires_at = offer_expiry(slot, at=at)
        entry.status, entry.offered_at = WaitlistStatus.OFFERED, at
        entry.offer_expires_at = expires_at
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        link = public_url("queues:offer", entry.token)
        with translation.override(entry.language):
            words = _slot_words(slot, name=entry.name)
            subject = _("A place is free: %(service)s, %(when)s") % words
            body = _(
                "Dear %(name)s,\n\nA place has come free for %(service)s at %(site)s on "
                "%(when)s. It is held for you until %(until)s. Accept or decline here: %(link)s"
            ) % {**words, "until": offer_until_text(entry, at=at), "link": link}
            invite = offer_ics(entry)
            email_body = (
                body
                + "\n\n"
                + _(
                    "The calendar invite attached marks the time as tentative: it is only booked "
                    "once you accept."
                )
            )
        _email(to=entry.email, subject=subject, body=email_body, slot=slot, related=entry,
               dedupe_key=f"queues:waitlist:{entry.pk}:offer:email",
               invite=invite, filename="offer.ics")  # fmt: skip
        if entry.phone:
            notify_enqueue(
                channel="sms",
                to=entry.phone,
                body=body,
                dedupe_key=f"queues:waitlist:{entry.pk}:offer:sms",
                agency=slot.service.site.agency,
                related=entry,
            )
        offers += 1
    return offers


def offer_until_text(entry: WaitlistEntry, *, at: datetime) -> str:
    """When an offer runs out, on the site's clock, in the active language: the time alone on
    the day of `at`, with the day when it runs out on another (an offer made at 23:00 runs out
    at 01:00 the next day, not at 01:00 before it was made)."""
    site = entry.slot.service.site
    until = local_time(entry.offer_expires_at, site)
    if until.date() == local_time(at, site).date():
        return date_format(until, "H:i")
    return date_format(until, "l j F, H:i")


def offer_state(entry: WaitlistEntry, *, at: datetime) -> str:
    """Where an offer stands for the person holding its link: "waiting", "open", "ran_out"
    (its time passed, whether or not the periodic job has moved it on yet), "declined",
    "left" (declined before any offer: off the waitlist) or "accepted"."""
    if entry.status == WaitlistStatus.OFFERED:
        return "open" if entry.offer_expires_at > at else "ran_out"
    if entry.status == WaitlistStatus.EXPIRED:
        return "ran_out"
    if entry.status == WaitlistStatus.DECLINED:
        return "declined" if entry.offered_at else "left"
    return str(entry.status)


def _no_open_offer(entry: WaitlistEntry, *, accepting: bool) -> Conflict:
    """The refusal for a link whose offer cannot be taken or declined, saying why."""
    state = offer_state(entry, at=now())
    if state == "ran_out":
        message = _("Sorry, this offer has run out, so the place is no longer held for you.")
    elif state == "accepted" and accepting:
        message = _("You accepted this place and then cancelled the appointment.")
    elif state == "accepted":
        message = _("You have already accepted this place. To give it up, cancel your appointment.")
    elif state == "declined":
        message = _("You declined this place, so it is no longer held for you.")
    elif state == "left":
        message = _("You left the waitlist for this time.")
    else:
        message = _("There is no open offer on this link.")
    return Conflict(message, code="offer_expired" if state == "ran_out" else "no_offer")


def _lock_entry(entry: WaitlistEntry) -> WaitlistEntry:
    return WaitlistEntry.objects.select_for_update(of=("self",), no_key=True).get(pk=entry.pk)


@transaction.atomic
def waitlist_accept(*, entry: WaitlistEntry) -> Appointment:
    """Take the offered place: it becomes a booked appointment, confirmed with an invite.
    Accepting again (a second tab, the email's link pressed twice) gives the same appointment."""
    entry = _lock_entry(entry)
    slot = _lock_slot(entry.slot)
    if entry.status == WaitlistStatus.ACCEPTED and entry.appointment_id:
        appointment = Appointment.objects.get(pk=entry.appointment_id)
        if appointment.status in ACTIVE:
            return appointment
    if offer_state(entry, at=now()) != "open":
        raise _no_open_offer(entry, accepting=True)
    if _taken(slot, excluding_offer=entry) >= slot.capacity:  # pragma: no cover - held for them
        raise Conflict(_("This time is fully booked."), code="slot_full")
    appointment = Appointment.objects.create(
        slot=slot, name=entry.name, email=entry.email, phone=entry.phone, language=entry.language
    )
    entry.status, entry.appointment = WaitlistStatus.ACCEPTED, appointment
    entry.save(update_fields=["status", "appointment"])
    _confirm(appointment)
    return appointment


@transaction.atomic
def waitlist_decline(*, entry: WaitlistEntry) -> WaitlistEntry:
    entry = _lock_entry(entry)
    slot = _lock_slot(entry.slot)
    if entry.status not in (WaitlistStatus.OFFERED, WaitlistStatus.WAITING):
        raise _no_open_offer(entry, accepting=False)
    was_offered = entry.status == WaitlistStatus.OFFERED
    entry.status = WaitlistStatus.DECLINED
    entry.save(update_fields=["status"])
    if was_offered:
        _withdraw_offer(entry)
    _offer_free_places(slot)
    return entry


def _withdraw_offer(entry: WaitlistEntry) -> None:
    """Tell the person whose offer was declined or ran out, with the update that removes the
    tentative event the offer put in their calendar."""
    slot = entry.slot
    with translation.override(entry.language):
        details = _slot_words(slot, name=entry.name)
        if entry.status == WaitlistStatus.DECLINED:
            subject = _("Place declined: %(service)s, %(when)s") % details
            body = (
                _(
                    "Dear %(name)s,\n\nYou declined the place for %(service)s at %(site)s on "
                    "%(when)s. The calendar update attached removes the tentative entry."
                )
                % details
            )
        else:
            subject = _("The place offered to you has gone: %(service)s, %(when)s") % details
            body = _(
                "Dear %(name)s,\n\nThe place for %(service)s at %(site)s on %(when)s was not "
                "accepted in time, so it is no longer held for you. The calendar update "
                "attached removes the tentative entry. You can book another time here: %(link)s"
            ) % {**details, "link": _appointments_url(slot)}
        invite = offer_ics(entry, withdrawn=True)
    _email(to=entry.email, subject=subject, body=body, slot=slot, related=entry,
           dedupe_key=f"queues:waitlist:{entry.pk}:withdrawn:email",
           invite=invite, filename="offer.ics")  # fmt: skip


def _email(*, to: str, subject: str, body: str, slot: AppointmentSlot, related, dedupe_key: str,
           invite: str | None = None, filename: str = "") -> None:  # fmt: skip
    """An email about a slot through the outbox, from the slot's agency, with its calendar
    invite (or update) attached when there is one."""
    attachments = None
    if invite is not None:
        attachments = [{"filename": filename, "mimetype": "text/calendar", "content": invite}]
    notify_enqueue(
        channel="email",
        to=to,
        subject=subject,
        body=body,
        attachments=attachments,
        dedupe_key=dedupe_key,
        agency=slot.service.site.agency,
        related=related,
    )


def _appointments_url(slot: AppointmentSlot) -> str:
    site = slot.service.site
    path = reverse("queues:appointments", kwargs={"agency_code": site.agency.code,
                                                  "site_code": site.code})  # fmt: skip
    # With the service chosen, the link opens on its days and times, not on an empty form.
    return f"{settings.CIVICDESK_PUBLIC_URL.rstrip('/')}{path}?service={slot.service_id}"


@transaction.atomic
def waitlist_expire_due() -> int:
    """Expire offers that ran out and offer their places to the next in line."""
    at = now()
    expired = list(
        WaitlistEntry.objects.select_for_update(of=("self",), no_key=True).filter(
            status=WaitlistStatus.OFFERED, offer_expires_at__lte=at
        )
    )
    for entry in expired:
        entry.status = WaitlistStatus.EXPIRED
        entry.save(update_fields=["status"])
        _withdraw_offer(entry)
    for slot_id in {e.slot_id for e in expired}:
        slot = _lock_slot(AppointmentSlot(pk=slot_id))
        _offer_free_places(slot)
    return len(expired)


# --- check-in -------------------------------------------------------------------------------------
def find_appointment(reference: str) -> Appointment | None:
    reference = reference.strip().upper().replace(" ", "")
    return (
        Appointment.objects.select_related("slot__service__site__agency")
        .filter(reference=reference)
        .first()
    )


@transaction.atomic
def appointment_check_in(*, appointment: Appointment, channel: str = Channel.KIOSK) -> Ticket:
    """Arrived: the appointment joins the queue by the rule in this module's docstring."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("slot__service__site__agency")
        .get(pk=appointment.pk)
    )
    if appointment.status == AppointmentStatus.CHECKED_IN:
        raise Conflict(
            _("You are already checked in: ticket %(number)s.")
            % {"number": appointment.ticket.number if appointment.ticket else "-"},
            code="already_checked_in",
        )
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(_("This appointment was cancelled."), code="cancelled")
    slot, at = appointment.slot, now()
    tz = site_calendar(slot.service.site).tz
    state = check_in_state(appointment, at=at)
    if state == "early":
        opens = (slot.starts_at - CHECK_IN_EARLY).astimezone(tz)
        raise Conflict(
            _("Too early: check-in opens at %(time)s on %(day)s.")
            % {"time": opens.strftime("%H:%M"), "day": date_format(opens, "j F")},
            code="too_early",
        )
    if state == "over":
        raise Conflict(
            _("This appointment was on another day. Please book again."), code="wrong_day"
        )
    on_time = state == "on_time"
    ticket = ticket_issue(
        service=slot.service,
        channel=Channel.APPOINTMENT,
        lane=APPOINTMENT if on_time else NORMAL,
        queued_at=slot.starts_at if on_time else None,
        phone=appointment.phone,
        email=appointment.email,
        language=appointment.language,
    )
    appointment.status, appointment.checked_in_at = AppointmentStatus.CHECKED_IN, at
    appointment.ticket = ticket
    appointment.save(update_fields=["status", "checked_in_at", "ticket"])
    return ticket


def checkin_window(appointment: Appointment) -> tuple[datetime, datetime]:
    slot = appointment.slot
    return slot.starts_at - CHECK_IN_EARLY, slot.ends_at


def check_in_state(appointment: Appointment, *, at: datetime) -> str:
    """What checking in would do at `at`, by the rule in this module's docstring: "early" (not
    open yet), "on_time" (called ahead of walk-ins), "late" (after the grace, the rest of the
    day: seen as a walk-in), "over" (its day has passed) or "none" (not booked)."""
    if appointment.status != AppointmentStatus.BOOKED:
        return "none"
    slot = appointment.slot
    tz = site_calendar(slot.service.site).tz
    if at < slot.starts_at - CHECK_IN_EARLY:
        return "early"
    if at.astimezone(tz).date() != slot.starts_at.astimezone(tz).date():
        return "over"
    if at <= slot.starts_at + timedelta(minutes=slot.service.late_grace_minutes):
        return "on_time"
    return "late"


def upcoming_slots(service: Service, day: date):
    """The day's times not yet started: in the evening, today has none left."""
    return [
        slot for slot in with_places(slots_ensure(service=service, day=day)) if not slot.is_past
    ]


def full_days(service: Service, days: list[date]) -> set[date]:
    """Those of `days` with no place left at any time not yet started (only the waitlist): the
    day list says so, so that nobody opens day after day to find one. A day whose times were
    never shown has no bookings, so it is not full. The same few queries for any number of days."""
    if not days:
        return set()
    calendar = site_calendar(service.site)
    first = datetime.combine(days[0], datetime.min.time(), tzinfo=calendar.tz)
    last = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=calendar.tz)
    slots = list(
        AppointmentSlot.objects.filter(
            service=service, starts_at__gte=max(first, now()), starts_at__lt=last
        )
    )
    free: dict[date, int] = {}
    for slot in with_places(slots):
        if slot.is_past:  # starting this very moment
            continue
        day = slot.starts_at.astimezone(calendar.tz).date()
        free[day] = free.get(day, 0) + slot.free
    return {day for day, places in free.items() if places == 0 and day in days}


def appointment_services(site) -> list[Service]:
    return list(
        Service.objects.filter(site=site, is_active=True, appointments_enabled=True).select_related(
            "site", "site__agency"
        )
    )
