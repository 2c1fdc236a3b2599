from civicdesk.core.periodic import register


@register("cases.mark_breaches", every_seconds=300)
def mark_breaches() -> None:
    from civicdesk.cases.services import cases_mark_breaches

    cases_mark_breaches()


@register("cases.remind_interim", every_seconds=900)
def remind_interim() -> None:
    from civicdesk.cases.services import cases_remind_interim

    cases_remind_interim()
