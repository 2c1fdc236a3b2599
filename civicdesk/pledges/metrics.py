"""The library of metrics a pledge can measure, and how each turns counts into a figure.

Every metric is computed per day into additive counts (see compute.py) so that any period's
figure is a sum of days:
- share: value = 100 * hits / count (percent); met when value >= target.
- mean: value = total / count (minutes); met when value <= target.
- p90: 90th percentile (nearest rank) of whole minutes from a histogram; met when <= target.
- nps: value = 100 * (hits - aux) / count, hits = promoters (9-10), aux = detractors (0-6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    TICKETS_WITHIN = "tickets_within", _("Share of visitors called within a time")
    WAIT_MEAN = "wait_mean", _("Average wait")
    WAIT_P90 = "wait_p90", _("90th-percentile wait")
    CASES_ACK_WITHIN = "cases_ack_within", _("Share of cases acknowledged within the standard")
    CASES_REPLY_WITHIN = "cases_reply_within", _("Share of cases replied to within the standard")
    CASES_FIRST_CONTACT = "cases_first_contact", _("Share of cases resolved at first contact")
    CSAT = "csat", _("Customer satisfaction (CSAT)")
    NPS = "nps", _("Net Promoter Score (NPS)")
    CES = "ces", _("Customer effort (CES)")
    APPOINTMENTS_ON_TIME = "appointments_on_time", _("Share of appointments started on time")


class Source(models.TextChoices):
    TICKETS = "tickets", _("Queue tickets")
    CASES = "cases", _("Cases")
    ANSWERS = "answers", _("Survey answers")
    APPOINTMENTS = "appointments", _("Appointments")


def channels(source: str | None = None) -> dict[str, str]:
    """The channels a source's items come in by, value to label ("web": "Web form"): a pledge
    on any other channel would count nothing. Every channel when no source is given (survey
    answers come from tickets and cases alike; appointments arrive as queue tickets)."""
    from civicdesk.cases.models import IntakeChannel
    from civicdesk.queues.models import Channel as TicketChannel

    tickets, cases = dict(TicketChannel.choices), dict(IntakeChannel.choices)
    if source == Source.CASES:
        return cases
    if source in (Source.TICKETS, Source.APPOINTMENTS):
        return tickets
    return {**tickets, **cases}


def channel_label(channel: str) -> str:
    """A case or ticket channel as people call it ("Web form", "Kiosk"), in the language in use."""
    return str(channels().get(channel, channel))


class Kind(models.TextChoices):
    SHARE = "share", _("Percentage")
    MEAN = "mean", _("Average in minutes")
    P90 = "p90", _("90th percentile in minutes")
    NPS = "nps", _("Score from -100 to 100")


@dataclass(frozen=True)
class MetricSpec:
    source: str
    kind: str
    # Whether the definition needs a threshold (minutes or working days) besides the target.
    threshold: str = ""  # "", "minutes" or "working_days"


SPECS: dict[str, MetricSpec] = {
    Metric.TICKETS_WITHIN: MetricSpec(Source.TICKETS, Kind.SHARE, "minutes"),
    Metric.WAIT_MEAN: MetricSpec(Source.TICKETS, Kind.MEAN),
    Metric.WAIT_P90: MetricSpec(Source.TICKETS, Kind.P90),
    Metric.CASES_ACK_WITHIN: MetricSpec(Source.CASES, Kind.SHARE),
    Metric.CASES_REPLY_WITHIN: MetricSpec(Source.CASES, Kind.SHARE, "working_days"),
    Metric.CASES_FIRST_CONTACT: MetricSpec(Source.CASES, Kind.SHARE),
    Metric.CSAT: MetricSpec(Source.ANSWERS, Kind.SHARE),
    Metric.NPS: MetricSpec(Source.ANSWERS, Kind.NPS),
    Metric.CES: MetricSpec(Source.ANSWERS, Kind.SHARE),
    Metric.APPOINTMENTS_ON_TIME: MetricSpec(Source.APPOINTMENTS, Kind.SHARE, "minutes"),
}

# A period figure resting on fewer items than this is shown but never alerted on.
MIN_ITEMS_FOR_ALERT = 10


def lower_is_better(metric: str) -> bool:
    return SPECS[metric].kind in (Kind.MEAN, Kind.P90)


def p90_from_histogram(histogram: dict[str, int]) -> float | None:
    """Nearest-rank 90th percentile of whole minutes: the smallest m with >= 90% at or below."""
    counts = sorted((int(minute), n) for minute, n in histogram.items() if n)
    total = sum(n for _m, n in counts)
    if not total:
        return None
    rank = math.ceil(0.9 * total)
    seen = 0
    for minute, n in counts:
        seen += n
        if seen >= rank:
            return float(minute)
    return float(counts[-1][0])  # pragma: no cover  (the loop always reaches the rank)


def figure(
    metric: str, *, count: int, hits: int, total: float, aux: int, histogram
) -> float | None:
    """The published value for additive counts, or None when nothing was measured."""
    if not count:
        return None
    kind = SPECS[metric].kind
    if kind == Kind.SHARE:
        return round(100 * hits / count, 1)
    if kind == Kind.MEAN:
        return round(total / count, 1)
    if kind == Kind.P90:
        return p90_from_histogram(histogram or {})
    return round(100 * (hits - aux) / count, 1)


def is_met(metric: str, value: float | None, target: float) -> bool | None:
    if value is None:
        return None
    return value <= target if lower_is_better(metric) else value >= target
