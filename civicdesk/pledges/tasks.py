"""Background work: the incremental recompute (a django-tasks task, also run by `tick`)."""

from django_tasks import task

from civicdesk.core.periodic import register


@task()
def recompute_pledges() -> dict:
    from civicdesk.pledges.incremental import recompute_changed

    return recompute_changed()


@register("pledges.recompute", every_seconds=15 * 60)
def recompute_periodically() -> dict:
    from civicdesk.pledges.incremental import recompute_changed

    return recompute_changed()
