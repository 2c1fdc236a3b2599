"""Calendar invites (iCalendar) for appointments and for waitlist offers.

One event per place a person holds, so their calendar updates it instead of adding another:
- A waitlist offer is a TENTATIVE event (SEQUENCE 0) whose UID comes from the waitlist entry;
  an offer declined or run out is CANCELLED with SEQUENCE 1 (a new offer is a new entry).
- Accepting it books an appointment whose invite keeps that UID (found through the entry that
  became the appointment), now CONFIRMED with SEQUENCE 1; cancelling it later is CANCELLED with
  SEQUENCE 2. A directly booked appointment has a UID of its own and the same sequence numbers.
"""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from civicdesk.core.clock import now
from civicdesk.core.zones import local_time
from civicdesk.queues.models import Appointment, AppointmentSlot, WaitlistEntry

OFFERED, CONFIRMED, CANCELLED = 0, 1, 2  # the SEQUENCE of each version of the event


def public_url(name: str, token: str) -> str:
    return settings.CIVICDESK_PUBLIC_URL.rstrip("/") + reverse(name, kwargs={"token": token})


def _offer_uid(token: str) -> str:
    return f"waitlist-{token}@civicdesk"


def _appointment_uid(appointment: Appointment) -> str:
    offer_token = (
        WaitlistEntry.objects.filter(appointment=appointment)
        .values_list("token", flat=True)
        .first()
    )
    if offer_token:  # it was an accepted offer: the same event as the offer's invite
        return _offer_uid(offer_token)
    return f"appointment-{appointment.token}@civicdesk"


def _ics(
    *, uid: str, slot: AppointmentSlot, summary: str, description: str, status: str, sequence: int
) -> str:
    site = slot.service.site
    calendar = Calendar()
    calendar.add("prodid", "-//civicdesk//queues//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if status == "CANCELLED" else "PUBLISH")
    event = Event()
    # RFC 5546: PUBLISH and CANCEL both name the organizer; calendars match a cancellation to
    # the event by UID and organizer.
    agency = site.agency
    address = agency.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(agency.display_name)  # in the reader's language
    event.add("organizer", organizer)
    event.add("uid", uid)
    event.add("dtstamp", now())
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    event.add("summary", summary)
    event.add("location", f"{site.display_name}, {site.address}")
    event.add("description", description)
    event.add("status", status)
    event.add("sequence", sequence)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def appointment_ics(appointment: Appointment, *, cancelled: bool = False) -> str:
    slot = appointment.slot
    return _ics(
        uid=_appointment_uid(appointment),
        slot=slot,
        summary=f"{slot.service.display_name} – {slot.service.site.display_name}",
        description=_("Reference %(ref)s. Check in at the kiosk or here: %(link)s")
        % {
            "ref": appointment.reference,
            "link": public_url("queues:appointment", appointment.token),
        },
        status="CANCELLED" if cancelled else "CONFIRMED",
        sequence=CANCELLED if cancelled else CONFIRMED,
    )


def offer_ics(entry: WaitlistEntry, *, withdrawn: bool = False) -> str:
    """A held, not yet booked place: tentative until the person accepts it on the offer page.

    `withdrawn`: the offer was declined or ran out, so the same event is cancelled (SEQUENCE
    1, after the offer's 0) and calendars that took the tentative entry remove it."""
    slot = entry.slot
    if withdrawn:
        return _ics(
            uid=_offer_uid(entry.token),
            slot=slot,
            summary=_("Place no longer held: %(service)s – %(site)s")
            % {"service": slot.service.display_name, "site": slot.service.site.display_name},
            description=_("The place offered to you at this time is no longer held for you."),
            status="CANCELLED",
            sequence=CONFIRMED,
        )
    until = local_time(entry.offer_expires_at, slot.service.site)
    return _ics(
        uid=_offer_uid(entry.token),
        slot=slot,
        summary=_("Place offered, not booked yet: %(service)s – %(site)s")
        % {"service": slot.service.display_name, "site": slot.service.site.display_name},
        description=_(
            "A place has come free and is held for you until %(until)s. It is only booked "
            "once you accept it here: %(link)s"
        )
        % {
            "until": date_format(until, "l j F Y, H:i"),
            "link": public_url("queues:offer", entry.token),
        },
        status="TENTATIVE",
        sequence=OFFERED,
    )
