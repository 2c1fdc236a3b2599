from django.http import Http404, HttpRequest
from django.shortcuts import render

from civicdesk.queues.estimation import estimate_wait
from civicdesk.queues.selectors import people_ahead, ticket_by_token


def ticket_page(request: HttpRequest, token: str):
    ticket = ticket_by_token(token[:64])
    if ticket is None:
        raise Http404
    context = {
        "ticket": ticket,
        "ahead": people_ahead(ticket),
        "wait_minutes": round(estimate_wait(ticket).total_seconds() / 60),
    }
    return render(request, "queues/ticket.html", context)
