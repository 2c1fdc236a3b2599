from django_tasks import task

from civicdesk.core.periodic import register
from civicdesk.routing.services import model_version_train, routing_retrain_due


@task()
def train_model_version(version_id: int) -> None:
    model_version_train(version_id=version_id)


@register("routing.retrain_due", every_seconds=3600)
def retrain_due() -> None:
    routing_retrain_due()
