"""Periodic queue jobs: expire waitlist offers that ran out and offer the place onwards."""

from civicdesk.core.periodic import register


@register("queues.waitlist_offers", every_seconds=60)
def expire_waitlist_offers() -> int:
    from civicdesk.queues.appointments import waitlist_expire_due

    return waitlist_expire_due()
