from django_tasks import task

from civicdesk.core.periodic import register
from civicdesk.notify.services import outbox_deliver, outbox_retry_due


@task()
def deliver_message(message_id: int) -> None:
    outbox_deliver(message_id=message_id)


@register("notify.retry_due", every_seconds=30)
def retry_due() -> None:
    outbox_retry_due()
