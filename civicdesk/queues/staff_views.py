"""Staff pages: the queues home, a site's queues, issuing a ticket at the door, the counter screen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.core.clock import now
from civicdesk.core.errors import ApplicationError, IllegalTransition
from civicdesk.core.zones import render_in_zone
from civicdesk.organisations.permissions import Access, Area, Target, can
from civicdesk.queues import services
from civicdesk.queues.forms import JoinForm, TransferForm
from civicdesk.queues.lanes import NORMAL, lane_label
from civicdesk.queues.models import Channel, Service, Ticket, TicketStatus
from civicdesk.queues.selectors import (
    counter_list_for,
    site_list_for_queues,
    waiting_for_counter,
    waiting_in_call_order,
)

# Counter actions: key, label. The same table drives the buttons, the key handler and the help.
SHORTCUTS = [
    ("n", "call_next", gettext_lazy("Call next")),
    ("r", "recall", gettext_lazy("Recall")),
    ("s", "start", gettext_lazy("Start serving")),
    ("f", "finish", gettext_lazy("Finish")),
    ("h", "hold", gettext_lazy("Put on hold")),
    ("x", "no_show", gettext_lazy("Did not come")),
    ("t", "transfer", gettext_lazy("Choose where to transfer (Enter transfers)")),
    ("o", "note", gettext_lazy("Go to outcome note")),
    ("u", "resume", gettext_lazy("Resume the first visitor on hold")),
    ("c", "open_close", gettext_lazy("Open or close the counter")),
]


def _can_write(user, site) -> bool:
    return can(user, Area.QUEUES, Access.WRITE, Target(agency_id=site.agency_id, site_id=site.id))


@login_required
def home(request: HttpRequest):
    sites = list(site_list_for_queues(request.user))
    counters = counter_list_for(request.user).prefetch_related("services")
    by_site: dict[int, list] = {}
    for counter in counters:
        by_site.setdefault(counter.site_id, []).append(counter)
    rows = [
        {
            "site": site,
            "counters": by_site.get(site.id, []),
            "can_write": _can_write(request.user, site),
        }
        for site in sites
    ]
    return render(request, "queues/staff_home.html", {"rows": rows})


def _site_for(user, site_id: int):
    site = site_list_for_queues(user).filter(pk=site_id).first()
    if site is None:
        raise Http404
    return site


@login_required
def site_detail(request: HttpRequest, site_id: int):
    site = _site_for(request.user, site_id)
    queues = []
    for service in Service.objects.filter(site=site, is_active=True):
        order = waiting_in_call_order(service)
        queues.append({"service": service, "waiting": order[:15], "count": len(order)})
    return render_in_zone(
        site,
        request,
        "queues/staff_site.html",
        {
            "site": site,
            "queues": queues,
            "counters": counter_list_for(request.user, site=site).prefetch_related("services"),
            "can_write": _can_write(request.user, site),
            "can_setup": can(
                request.user,
                Area.ORGANISATION,
                Access.WRITE,
                Target(agency_id=site.agency_id, site_id=site.id),
            ),
        },
    )


@login_required
def issue(request: HttpRequest, site_id: int):
    """Issue a ticket for someone at the door (a visitor without a phone, a wheelchair user)."""
    site = _site_for(request.user, site_id)
    if not _can_write(request.user, site):
        raise Http404
    active = list(Service.objects.filter(site=site, is_active=True))
    form = JoinForm(request.POST or None, services=active, initial={"lane": NORMAL})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = next(s for s in active if s.id == data["service"])
        try:
            ticket = services.ticket_issue(
                service=service,
                channel=Channel.STAFF,
                actor=request.user,
                lane=data["lane"],
                phone=data["phone"],
                email=data["email"],
                notify_ahead=data["notify_ahead"],
                notify_minutes=data["notify_minutes"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Ticket %(number)s issued (%(lane)s).")
                % {"number": ticket.number, "lane": lane_label(ticket.lane)},
            )
            return redirect("queues:staff_issue", site_id=site.id)
    return render(request, "queues/staff_issue.html", {"site": site, "form": form})


def _counter_for(user, counter_id: int):
    counter = counter_list_for(user).filter(pk=counter_id).first()
    if counter is None:
        raise Http404
    return counter


@login_required
def counter_queue(request: HttpRequest, counter_id: int):
    """The waiting list of the counter screen, polled by htmx every 15 seconds."""
    counter = _counter_for(request.user, counter_id)
    queue = waiting_for_counter(list(counter.services.filter(is_active=True)))
    return render_in_zone(
        counter.site,
        request,
        "queues/counter.html#queue",
        {"counter": counter, "queue": queue[:20], "queue_count": len(queue)},
    )


@login_required
def counter_screen(request: HttpRequest, counter_id: int):
    counter = _counter_for(request.user, counter_id)
    served = list(counter.services.filter(is_active=True))
    current = (
        Ticket.objects.filter(
            counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
        )
        .select_related("service")
        .first()
    )
    queue = waiting_for_counter(served)
    on_hold = (
        Ticket.objects.filter(site=counter.site, service__in=served, status=TicketStatus.ON_HOLD)
        .select_related("service", "counter")
        .order_by("queued_at")
    )
    recent = Ticket.objects.filter(
        counter=counter,
        day=services.local_day(counter.site, now()),
        status__in=[TicketStatus.DONE, TicketStatus.NO_SHOW],
    ).order_by("-finished_at")[:5]
    transfer_form = None
    if current is not None:
        others = Service.objects.filter(site=counter.site, is_active=True).exclude(
            pk=current.service_id
        )
        transfer_form = TransferForm(services=list(others), prefix="transfer")
    context = {
        "counter": counter,
        "site": counter.site,
        "served": served,
        "current": current,
        "current_lane": lane_label(current.lane) if current else "",
        "queue": queue[:20],
        "queue_count": len(queue),
        "on_hold": on_hold,
        "recent": recent,
        "transfer_form": transfer_form,
        "shortcuts": SHORTCUTS,
        "can_write": _can_write(request.user, counter.site),
        "now": now(),
    }
    return render_in_zone(counter.site, request, "queues/counter.html", context)


def _ticket_in_scope(user, ticket_id: str) -> Ticket:
    """The ticket named in the form; the service refuses (403) one of another site."""
    ticket = (
        Ticket.objects.filter(pk=int(ticket_id)).first()
        if ticket_id.isascii() and ticket_id.isdigit()
        else None
    )
    if ticket is None:
        raise Http404
    return ticket


@login_required
@require_POST
def counter_act(request: HttpRequest, counter_id: int):
    """One POST per counter action; the outcome is a message on the counter screen."""
    counter = _counter_for(request.user, counter_id)
    action = request.POST.get("action", "")
    user = request.user
    ticket = None
    try:
        if action == "open":
            services.counter_open(actor=user, counter=counter)
            messages.success(request, _("%(counter)s is open.") % {"counter": counter})
        elif action == "close":
            services.counter_close(actor=user, counter=counter)
            messages.success(request, _("%(counter)s is closed.") % {"counter": counter})
        elif action == "call_next":
            if not counter.is_open:
                # Calling from a closed counter signs the officer on to it first: the board,
                # the estimates and other officers then see it open.
                services.counter_open(actor=user, counter=counter)
            ticket = services.ticket_call_next(actor=user, counter=counter)
            if ticket is None:
                messages.info(request, _("Nobody is waiting for this counter."))
            else:
                messages.success(request, _("Called %(number)s.") % {"number": ticket.number})
        elif action in {"recall", "start", "finish", "hold", "no_show", "transfer", "resume"}:
            ticket = _ticket_in_scope(user, request.POST.get("ticket", ""))
            _check_at_counter(ticket, counter, action)
            note = request.POST.get("note", "")[:500]
            if action == "recall":
                services.ticket_recall(actor=user, ticket=ticket)
                text = _("Recalled %(number)s.")
            elif action == "start":
                services.ticket_start(actor=user, ticket=ticket)
                text = _("Serving %(number)s.")
            elif action == "finish":
                services.ticket_finish(actor=user, ticket=ticket, note=note)
                text = _("Finished %(number)s.")
            elif action == "hold":
                services.ticket_hold(actor=user, ticket=ticket, note=note)
                text = _("%(number)s is on hold. Resume when the visitor is back.")
            elif action == "no_show":
                services.ticket_no_show(actor=user, ticket=ticket)
                text = _("%(number)s marked as not come.")
            elif action == "resume":
                services.ticket_resume(actor=user, ticket=ticket, counter=counter)
                text = _("Serving %(number)s again.")
            else:
                target_id = request.POST.get("transfer-service", "")
                target = (
                    Service.objects.filter(pk=int(target_id), site=counter.site).first()
                    if target_id.isascii() and target_id.isdigit()
                    else None
                )
                if target is None:
                    raise ApplicationError(_("Choose the service to transfer to."))
                services.ticket_transfer(actor=user, ticket=ticket, service=target, note=note)
                text = _("%(number)s transferred; they keep their place.")
            messages.success(request, text % {"number": ticket.number})
        else:
            messages.error(request, _("Unknown action."))
    except IllegalTransition as error:
        # A second press, or a screen left open in another tab: say what the ticket is now,
        # not the workflow's codes ("cannot go from serving to serving").
        at_this_counter = ticket is not None and ticket.counter_id == counter.id
        messages.error(request, _stale_message(ticket) if at_this_counter else error.message)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("queues:counter", counter_id=counter.id)


def _check_at_counter(ticket: Ticket, counter, action: str) -> None:
    """A counter's buttons act on the visitor at that counter only: a form from a screen out
    of date (another tab, a press after the ticket moved) must not start or finish the visitor
    another officer called to another counter. Resume takes a visitor on hold to this counter;
    a ticket of another site is refused by the service (permissions)."""
    if action == "resume" or ticket.site_id != counter.site_id:
        return
    if ticket.counter_id is not None and ticket.counter_id != counter.id:
        raise ApplicationError(
            _("%(number)s is not at this counter any more. Nothing was changed.")
            % {"number": ticket.number}
        )


def _stale_message(ticket: Ticket) -> str:
    ticket.refresh_from_db(fields=["status"])
    return _("Nothing was changed: %(number)s is now “%(status)s”.") % {
        "number": ticket.number,
        "status": ticket.get_status_display(),
    }


@login_required
@require_POST
def ticket_remove(request: HttpRequest, site_id: int):
    """Take a waiting ticket out of the queue (the visitor told staff they are leaving)."""
    site = _site_for(request.user, site_id)
    ticket = _ticket_in_scope(request.user, request.POST.get("ticket", ""))
    try:
        if ticket.site_id != site.id:
            raise ApplicationError(_("That ticket is at another site."))
        services.ticket_cancel(ticket=ticket, actor=request.user, reason="removed by staff")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(number)s removed from the queue.") % {"number": ticket.number}
        )
    return redirect("queues:staff_site", site_id=site.id)
