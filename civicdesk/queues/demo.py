"""Harbour City's queues: services and counters at the 12 demo sites, and six months of tickets.

History is simulated day by day with the same lane rule the counters use (lanes.take_priority),
per-site arrival peaks (mid-morning and mid-afternoon, busier on Mondays), the site's opening
hours and holidays (site_calendar), no-shows, holds and cancellations, then written in bulk.
Idempotent: services and counters are matched by letter and name; a site that already has
history gets none added.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict, deque
from datetime import date, timedelta

from civicdesk.core.clock import now
from civicdesk.organisations.calendar import site_calendar
from civicdesk.organisations.demo import give_names, names_by_language
from civicdesk.organisations.models import Site, StaffProfile
from civicdesk.organisations.roles import Role
from civicdesk.queues.lanes import APPOINTMENT, NORMAL, take_priority
from civicdesk.queues.models import Counter, Service, Ticket, TicketPeriod, new_token
from civicdesk.queues.models import TicketStatus as S

HISTORY_DAYS = 182
SERVICES = {
    "HSG": [
        ("A", "Rent and payments", 6),
        ("B", "Tenancy matters", 15),
        ("C", "Repairs and maintenance", 10),
    ],
    "TRN": [
        ("A", "Driving licence renewal", 10),
        ("B", "Vehicle registration", 15),
        ("C", "Permits and enquiries", 8),
    ],
    "ENV": [
        ("A", "Permits and licences", 12),
        ("B", "Recycling and waste", 6),
        ("C", "General enquiries", 8),
    ],
}
SERVICE_NAMES = {
    "Rent and payments": names_by_language("租金及繳費", "租金及缴费", "Sewa dan bayaran"),
    "Tenancy matters": names_by_language("租約事宜", "租约事宜", "Hal ehwal penyewaan"),
    "Repairs and maintenance": names_by_language(
        "維修及保養", "维修及保养", "Pembaikan dan penyelenggaraan"
    ),
    "Driving licence renewal": names_by_language(
        "續領駕駛執照", "续领驾驶执照", "Pembaharuan lesen memandu"
    ),
    "Vehicle registration": names_by_language("車輛登記", "车辆登记", "Pendaftaran kenderaan"),
    "Permits and enquiries": names_by_language(
        "許可證及查詢", "许可证及查询", "Permit dan pertanyaan"
    ),
    "Permits and licences": names_by_language("許可證及牌照", "许可证及牌照", "Permit dan lesen"),
    "Recycling and waste": names_by_language("回收及廢物", "回收及废物", "Kitar semula dan sisa"),
    "General enquiries": names_by_language("一般查詢", "一般查询", "Pertanyaan am"),
}
# Counter name -> letters it serves. In the history counter 3 is staffed on Mondays and Fridays.
COUNTERS = {"1": "AC", "2": "AB", "3": "BC"}
BUSY_DAYS = {0, 4}
WEEKDAY_FACTOR = [1.3, 1.1, 1.0, 1.0, 1.15, 0.7, 0.5]
LANES = [("elderly", 0.07), ("disabled", 0.03), ("pregnant", 0.02)]


def _hour_weight(local_hour: float) -> float:
    """Two peaks: mid-morning and mid-afternoon; quieter at lunch and near closing."""
    return (
        0.4
        + math.exp(-((local_hour - 10.5) ** 2) / 1.5)
        + 0.8 * math.exp(-((local_hour - 14.5) ** 2) / 1.5)
    )


def load(*, stdout, stderr) -> None:
    sites = list(
        Site.objects.select_related("agency").filter(agency__code__in=SERVICES).order_by("pk")
    )
    made = 0
    on_duty: dict[date, set[int]] = defaultdict(set)  # who is at a desk somewhere that day
    for site in sites:
        services, counters = _ensure_site(site)
        made += _history(site, services, counters, on_duty=on_duty)
        if site.agency.code == "HSG" and site.code == "HCC":
            _full_tuesday_morning(services[0])
    if made:
        stdout.write(f"Queues: {made} tickets of history at {len(sites)} sites.")


def _full_tuesday_morning(service: Service) -> None:
    """Next Tuesday's morning appointments at Harbour Central are all taken (journey 5 finds it
    full and joins a waitlist). Booked directly: these demo citizens get no emails."""
    from civicdesk.queues.appointments import slots_ensure
    from civicdesk.queues.models import Appointment, AppointmentStatus

    calendar = site_calendar(service.site)
    day = now().astimezone(calendar.tz).date() + timedelta(days=1)
    while day.weekday() != 1 or not calendar.is_working_day(day):
        day += timedelta(days=1)
    for slot in slots_ensure(service=service, day=day):
        if slot.starts_at.astimezone(calendar.tz).hour >= 12:
            break
        taken = Appointment.objects.filter(slot=slot, status=AppointmentStatus.BOOKED).count()
        Appointment.objects.bulk_create(
            Appointment(
                slot=slot,
                name=f"Demo citizen {slot.pk}-{n}",
                email=f"citizen{slot.pk}-{n}@example.org",
            )
            for n in range(taken, slot.capacity)
        )


def _ensure_site(site: Site):
    services = []
    for position, (prefix, name, minutes) in enumerate(SERVICES[site.agency.code]):
        service = Service.objects.filter(site=site, prefix=prefix).first()
        if service is None:
            service = Service.objects.create(
                site=site,
                prefix=prefix,
                name=name,
                default_service_minutes=minutes,
                position=position,
                appointments_enabled=prefix == "A",
                slot_minutes=15,
                slot_capacity=2,
            )
        give_names(service, SERVICE_NAMES)
        services.append(service)
    by_prefix = {s.prefix: s for s in services}
    counters = []
    for name, letters in COUNTERS.items():
        counter = Counter.objects.filter(site=site, name=name).first()
        if counter is None:
            counter = Counter.objects.create(site=site, name=name)
            counter.services.set([by_prefix[letter] for letter in letters])
        counters.append((counter, [by_prefix[letter] for letter in letters]))
    return services, counters


def _history(site: Site, services, counters, *, on_duty=None) -> int:
    """`on_duty`: day -> officers already at a desk that day (at another site); they are not
    put at one here too. An officer works at one counter of one site a day."""
    on_duty = defaultdict(set) if on_duty is None else on_duty
    calendar = site_calendar(site)
    today = now().astimezone(calendar.tz).date()
    if Ticket.objects.filter(site=site, day__lt=today).exists():
        return 0
    officers = (
        list(StaffProfile.objects.filter(sites=site, role=Role.FRONTLINE).order_by("pk"))
        or list(StaffProfile.objects.filter(agency=site.agency, role=Role.FRONTLINE)[:1])
        or [None]
    )
    rng = random.Random(f"civicdesk-queues-{site.agency.code}-{site.code}")  # noqa: S311
    size = rng.uniform(0.7, 1.4)
    tickets, periods = [], []
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        intervals = calendar.intervals_on(day)
        if intervals:
            _simulate_day(
                day,
                intervals,
                calendar.tz,
                services,
                counters,
                officers,
                rng,
                size,
                tickets,
                periods,
                on_duty[day],
            )
    _write(tickets, periods)
    _appointments_behind(tickets, services, calendar.tz)
    return len(tickets)


def _appointments_behind(tickets, services, tz) -> None:
    """The booking behind each appointment ticket of the history: a slot of the service's grid
    the visitor checked in for (most 0-25 minutes early, some a few minutes late), booked days
    before, checked in when the ticket joined. The appointments pledge measures the start of the
    visit against the slot, so without these it had no data. Own random stream: the tickets'
    history stays as it was."""
    from civicdesk.queues.models import Appointment, AppointmentSlot, AppointmentStatus

    rng = random.Random(f"civicdesk-appointments-{services[0].site_id}")  # noqa: S311
    by_id = {s.id: s for s in services}
    booked = [t for t in tickets if t.channel == "appointment"]
    if not booked:
        return
    starts: dict[tuple[int, object], list] = {}
    for ticket in booked:
        service = by_id[ticket.service_id]
        grid = timedelta(minutes=service.slot_minutes)
        joined = ticket.joined_at.astimezone(tz)
        if rng.random() < 0.85:  # early: the next slot start after a few minutes
            start = _on_grid(joined + timedelta(minutes=rng.uniform(0, 15)), grid) + grid
        else:  # late, within the grace (later ones would have joined as walk-ins)
            start = _on_grid(joined - timedelta(minutes=1), grid)
            if joined - start > timedelta(minutes=service.late_grace_minutes):
                start += grid
        starts.setdefault((ticket.service_id, start), []).append(ticket)
    existing = {
        (slot.service_id, slot.starts_at): slot
        for slot in AppointmentSlot.objects.filter(service__in=services)
    }
    new_slots = [
        AppointmentSlot(
            service_id=service_id,
            starts_at=start,
            ends_at=start + timedelta(minutes=by_id[service_id].slot_minutes),
            capacity=max(by_id[service_id].slot_capacity, len(group)),
        )
        for (service_id, start), group in starts.items()
        if (service_id, start) not in existing
    ]
    AppointmentSlot.objects.bulk_create(new_slots, batch_size=2000)
    slots = {(slot.service_id, slot.starts_at): slot for slot in new_slots} | existing
    Appointment.objects.bulk_create(
        [
            Appointment(
                slot=slots[(service_id, start)],
                name=f"Demo visitor {ticket.pk}",
                email=f"visitor{ticket.pk}@example.org",
                language=ticket.language,
                status=AppointmentStatus.CHECKED_IN,
                ticket=ticket,
                created_at=ticket.joined_at - timedelta(days=rng.randint(1, 14)),
                checked_in_at=ticket.joined_at,
            )
            for (service_id, start), group in starts.items()
            for ticket in group
        ],
        batch_size=2000,
    )


def _arrivals(day: date, intervals, tz, services, rng, size):
    open_minutes = sum((end - start).total_seconds() / 60 for start, end in intervals)
    expected = 62 * size * WEEKDAY_FACTOR[day.weekday()] * open_minutes / 480
    # Thinning: candidate times uniformly over open time, kept by the hour weight.
    peak = 2.2
    arrivals = []
    for start, end in intervals:
        last_call = end - timedelta(minutes=20)
        span = (last_call - start).total_seconds()
        if span <= 0:
            continue
        count = _poisson(rng, expected * peak * span / (open_minutes * 60))
        for _ in range(count):
            at = start + timedelta(seconds=rng.uniform(0, span))
            local = at.astimezone(tz)
            if rng.random() * peak <= _hour_weight(local.hour + local.minute / 60):
                arrivals.append(at)
    arrivals.sort()
    weights = [3, 2, 2][: len(services)]
    result = []
    for at in arrivals:
        service = rng.choices(services, weights=weights)[0]
        roll, lane = rng.random(), NORMAL
        for code, share in LANES:
            if roll < share:
                lane = code
                break
            roll -= share
        channel = rng.choices(["kiosk", "remote", "staff", "appointment"], [55, 30, 5, 10])[0]
        if channel == "appointment" and service.appointments_enabled:
            lane = APPOINTMENT
        elif channel == "appointment":  # no appointments at this service: a walk-in
            channel = "kiosk"
        result.append({"at": at, "service": service, "lane": lane, "channel": channel})
    return result


def _on_grid(local, grid: timedelta):
    """`local` rounded down to a multiple of `grid` since its midnight."""
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (local - midnight) // grid * grid


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth for small means, normal approximation for large ones.
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _officer_pace(officer) -> float:
    """Each demo officer's own pace: service time × 0.8 (quick) to × 1.25 (slow)."""
    if officer is None:
        return 1.0
    return random.Random(f"pace-{officer.pk}").uniform(0.8, 1.25)  # noqa: S311


def _simulate_day(
    day, intervals, tz, services, counters, officers, rng, size, tickets, periods, taken=None
):
    arrivals = _arrivals(day, intervals, tz, services, rng, size)
    if not arrivals:
        return
    sequence = dict.fromkeys((s.prefix for s in services), 0)
    queues = {s.id: {"p": deque(), "n": deque()} for s in services}
    streak = dict.fromkeys(queues, 0)
    records = []
    for item in arrivals:
        service = item["service"]
        sequence[service.prefix] += 1
        waiting = sum(len(q["p"]) + len(q["n"]) for q in [queues[service.id]])
        ticket = Ticket(
            site_id=service.site_id,
            service=service,
            day=day,
            prefix=service.prefix,
            sequence=sequence[service.prefix],
            channel=item["channel"],
            lane=item["lane"],
            queued_at=item["at"],
            joined_at=item["at"],
            token=new_token(),
            language=rng.choice(["en", "en", "en", "zh-hant", "zh-hans", "ms"]),
        )
        ticket.estimate_at_join_seconds = int(waiting * service.default_service_minutes * 60 / 2)
        item["ticket"] = ticket
        item["gives_up_at"] = (
            item["at"] + timedelta(minutes=rng.uniform(5, 40))
            if item["channel"] == "remote" and rng.random() < 0.04
            else None
        )
        records.append(item)

    staffed = len(counters) if day.weekday() in BUSY_DAYS else min(2, len(counters))
    # One officer per staffed counter, none already at a desk elsewhere that day: a person is
    # at one desk at a time (the same officer at two counters doubled their hours at a counter).
    taken = set() if taken is None else taken
    free = [o for o in officers if o is not None and o.pk not in taken]
    if free:
        staffed = min(staffed, len(free))
        desk_officers = [free[(index + day.toordinal()) % len(free)] for index in range(staffed)]
        taken.update(o.pk for o in desk_officers)
    else:  # nobody named to serve (a site without staff): the visits have no officer
        desk_officers = [None] * staffed
    heap = [(arrivals[0]["at"], index) for index in range(staffed)]
    heapq.heapify(heap)
    next_arrival = 0
    while heap:
        at, index = heapq.heappop(heap)
        while next_arrival < len(records) and records[next_arrival]["at"] <= at:
            item = records[next_arrival]
            queues[item["service"].id]["p" if item["lane"] != NORMAL else "n"].append(item)
            next_arrival += 1
        counter, served = counters[index]
        choice = _choose(served, queues, streak, at)
        if choice is None:
            if next_arrival < len(records):
                heapq.heappush(heap, (records[next_arrival]["at"], index))
            continue
        item, service = choice
        officer = desk_officers[index]  # officers take the counters in turn, a new desk daily
        done_at = _serve(item, service, counter, officer, at, rng, periods)
        heapq.heappush(heap, (done_at, index))

    for item in records:
        ticket = item["ticket"]
        if ticket.status == S.WAITING:  # gave up, or still waiting at closing: cancelled
            ticket.status = S.CANCELLED
            ticket.finished_at = item["gives_up_at"] or ticket.joined_at + timedelta(minutes=30)
            _period(periods, ticket, S.WAITING, ticket.joined_at, ticket.finished_at, None, None)
        tickets.append(ticket)


def _choose(served, queues, streak, at):
    candidates = []
    for service in served:
        queue = queues[service.id]
        for lane in ("p", "n"):  # drop visitors who gave up before this call
            while queue[lane] and (queue[lane][0]["gives_up_at"] or at) < at:
                queue[lane].popleft()
        use_priority = take_priority(
            priority_waiting=bool(queue["p"]),
            normal_waiting=bool(queue["n"]),
            run=streak[service.id],
            limit=service.priority_run,
        )
        lane = "p" if use_priority else "n"
        if queue[lane]:
            candidates.append((queue[lane][0]["at"], lane, service))
    if not candidates:
        return None
    _at, lane, service = min(candidates, key=lambda c: c[0])
    item = queues[service.id][lane].popleft()
    streak[service.id] = streak[service.id] + 1 if lane == "p" else 0
    return item, service


def _serve(item, service, counter, officer, at, rng, periods):
    ticket = item["ticket"]
    ticket.counter, ticket.officer = counter, officer
    ticket.called_at = ticket.last_called_at = at
    _period(periods, ticket, S.WAITING, ticket.joined_at, at, None, None)
    if rng.random() < 0.04:  # no-show after two recalls
        ticket.recall_count = 2
        ticket.finished_at = at + timedelta(minutes=2)
        ticket.status = S.NO_SHOW
        _period(periods, ticket, S.CALLED, at, ticket.finished_at, counter, officer)
        return ticket.finished_at
    walk = timedelta(seconds=rng.uniform(20, 90))
    ticket.started_at = at + walk
    _period(periods, ticket, S.CALLED, at, ticket.started_at, counter, officer)
    mean = service.default_service_minutes
    minutes = rng.lognormvariate(math.log(mean) - 0.18, 0.6) * _officer_pace(officer)
    serving = timedelta(minutes=min(max(minutes, 1), mean * 6))
    end = ticket.started_at + serving
    if rng.random() < 0.03:  # on hold while the visitor fetches a document
        half = ticket.started_at + serving / 2
        back = half + timedelta(minutes=rng.uniform(4, 12))
        _period(periods, ticket, S.SERVING, ticket.started_at, half, counter, officer)
        _period(periods, ticket, S.ON_HOLD, half, back, counter, officer)
        end = back + serving / 2
        _period(periods, ticket, S.SERVING, back, end, counter, officer)
        ticket.outcome_note = "Came back with the missing document."
    else:
        _period(periods, ticket, S.SERVING, ticket.started_at, end, counter, officer)
    ticket.finished_at = end
    ticket.status = S.DONE
    return end


def _period(periods, ticket, status, start, end, counter, officer):
    periods.append((ticket, status, start, end, counter, officer))


def _write(tickets, periods) -> None:
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    TicketPeriod.objects.bulk_create(
        [
            TicketPeriod(
                ticket_id=ticket.pk,
                status=status,
                service_id=ticket.service_id,
                counter=counter,
                officer=officer,
                started_at=start,
                ended_at=end,
            )
            for ticket, status, start, end, counter, officer in periods
        ],
        batch_size=5000,
    )
