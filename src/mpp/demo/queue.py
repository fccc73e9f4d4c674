"""The demo MPP of Kota Samarinda's line, through the real services: booking capacities and an announcement,
a morning of served visits (so the manager's figures and chart have something to show), and people
waiting now — walk-ins, a priority ticket and one called to counter 1 — so the kiosk, the display board
and the console open on a living line. Siti holds a booking for the next open day."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from mpp.catalog.models import Agency, Counter, Mpp, Service
from mpp.identity.models import User
from mpp.queueing import bookings, figures, rules, services, slots
from mpp.queueing.line import today_at
from mpp.queueing.models import Capacity, Priority, Ticket

#: Services of Samarinda's MPP that take bookings, with the places per slot.
CAPACITIES = {"akta-kelahiran": 4, "kia": 4, "akta-kematian": 2, "ktp-el-cetak-ulang": 6}
ANNOUNCEMENT = "Selamat datang di MPP Kota Samarinda. Siapkan KTP-el Anda sebelum dipanggil."


@transaction.atomic
def seed_demo_queue(*, manager: User, officer: User, citizen: User, now=None) -> int:
    """Seed the line once; returns how many tickets were added now."""
    mpp = Mpp.objects.select_related("region").get(region_id="64.72")
    if Capacity.objects.filter(mpp=mpp).exists():
        return 0
    for slug, places in CAPACITIES.items():
        service = Service.objects.get(region_id="64.72", template__slug=slug)
        rules.set_capacity(mpp=mpp, service=service, per_slot=places, by=manager)
    rules.set_announcement(mpp=mpp, text=ANNOUNCEMENT, by=manager)
    services.assign_letters(mpp)

    dukcapil = Agency.objects.get(region_id="64.72", kind__code="disdukcapil")
    dinkes = Agency.objects.get(region_id="64.72", kind__code="dinkes")
    birth = Service.objects.get(region_id="64.72", template__slug="akta-kelahiran")
    counter_1 = Counter.objects.select_related("mpp__region").get(mpp=mpp, number=1)
    counter_2 = Counter.objects.select_related("mpp__region").get(mpp=mpp, number=2)
    now = now or timezone.now()

    # Served earlier today: nine visitors, one every 20 minutes over the last three hours, each served for a
    # few minutes; squeezed into the hours since midnight (in the MPP's zone) when the seed runs early in the day,
    # so that every ticket is issued, called and finished on the same day.
    midnight = dt.datetime.combine(today_at(mpp, now), dt.time(0, 0), ZoneInfo(mpp.region.time_zone))
    step = min(dt.timedelta(minutes=20), (now - midnight) / 12)
    for n in range(9):
        at = now - (10 - n) * step
        services.issue_ticket(mpp=mpp, agency=dukcapil, service=birth if n % 2 else None, now=at)
        counter = (counter_1, counter_2)[n % 2]
        ticket = services.call_next(counter=counter, officer=officer, now=at + step / 5)
        services.start_serving(ticket_id=ticket.pk, counter=counter, officer=officer, now=at + step / 5)
        services.finish(ticket_id=ticket.pk, counter=counter, officer=officer, now=at + step * (3 + n % 4) / 10)
    # Waiting now (joined the line in the last few steps), and one called to counter 1.
    for steps_ago, agency, priority in (
        (1.0, dukcapil, Priority.NONE),
        (0.8, dukcapil, Priority.NONE),
        (0.6, dukcapil, Priority.ELDERLY),
        (0.4, dukcapil, Priority.NONE),
        (0.3, dinkes, Priority.NONE),
        (0.2, dukcapil, Priority.NONE),
    ):
        services.issue_ticket(mpp=mpp, agency=agency, priority=priority, now=now - steps_ago * step)
    services.call_next(counter=counter_1, officer=officer, now=now - step / 10)

    _book_next_open_day(mpp, birth, citizen, now)
    figures.rebuild()
    return Ticket.objects.filter(mpp=mpp).count()


def _book_next_open_day(mpp: Mpp, service: Service, citizen: User, now: dt.datetime) -> None:
    policy = services.policy_of(mpp)
    today = today_at(mpp, now)
    for day, hours in slots.bookable_days(mpp, today, policy)[1:]:
        free = [slot for slot in slots.slots(mpp, service, day, now=now, policy=policy) if slot.free]
        if hours.is_open and free:
            bookings.book(citizen=citizen, mpp=mpp, service=service, starts_at=free[len(free) // 3].starts_at, now=now)
            return
