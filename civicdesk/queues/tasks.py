"""Periodic queue jobs (run by `civicdesk tick`)."""

from civicdesk.core.periodic import register


@register("queues.waitlist_offers", every_seconds=60)
def expire_waitlist_offers() -> int:
    """Offers that ran out pass to the next person on the waitlist."""
    from civicdesk.queues.appointments import waitlist_expire_due

    return waitlist_expire_due()


@register("queues.near_notices", every_seconds=60)
def near_notices() -> int:
    """A minutes threshold can be reached while nobody is called (estimates move with time)."""
    from civicdesk.queues.notices import check_near_all

    return check_near_all()


@register("queues.close_days", every_seconds=3600)
def close_days() -> int:
    """Tickets still open from an earlier day are closed, so no queue carries over overnight."""
    from civicdesk.queues.services import tickets_close_past_days

    return tickets_close_past_days()


@register("queues.recount_tally", every_seconds=3600)
def recount_tally() -> int:
    """The waiting tally behind "people ahead" is put right if anything made it drift."""
    from civicdesk.queues.tally import recount

    return recount()
