"""Reads for the portal's pages, composed from the catalog's selectors.

A region's page answers "where do I go, when, and what can I get there": its MPPs with
their counters grouped by agency, and its services grouped by the agency that delivers them,
in the order of the agencies' counters in the building. Constant in queries: one for the
services, two for the MPPs and their counters, whatever the number of rows.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator

from mpp.catalog import presentation
from mpp.catalog import selectors as catalog_selectors
from mpp.catalog.models import Mode, Mpp
from mpp.villages import selectors as village_selectors


@dataclass(frozen=True)
class CounterGroup:
    """An agency's counters in one MPP: ``numbers`` as people read them ("1–3", "4, 6")."""

    agency: str
    short_name: str
    numbers: str
    #: The agency's own online system, where citizens use one directly ("" when none).
    system_name: str = ""
    system_url: str = ""


@dataclass(frozen=True)
class MppEssentials:
    mpp: Mpp
    counters: list[CounterGroup]


@dataclass(frozen=True)
class AgencyServices:
    """The services one agency delivers in the region, with its counter numbers ("" without a counter)."""

    agency: presentation.Text
    counters: str
    services: list[dict] = field(default_factory=list)
    system_name: str = ""
    system_url: str = ""


@dataclass(frozen=True)
class RegionServices:
    mpps: list[MppEssentials]
    agencies: list[AgencyServices]

    @property
    def service_count(self) -> int:
        return sum(len(group.services) for group in self.agencies)


def region_services(regency_code: str) -> RegionServices:
    """A kabupaten/kota's MPPs and its active services grouped by agency (agencies with counters first)."""
    numbers: dict[object, list[int]] = {}
    essentials = []
    for mpp, counters in catalog_selectors.mpps_in_region(regency_code):
        by_agency: dict[object, list[dict]] = {}
        for counter in counters:
            by_agency.setdefault(counter["agency_id"], []).append(counter)
            numbers.setdefault(counter["agency_id"], []).append(counter["number"])
        essentials.append(
            MppEssentials(
                mpp=mpp,
                counters=[
                    CounterGroup(
                        agency=rows[0]["agency_name"],
                        short_name=rows[0]["short_name"],
                        numbers=counter_numbers([row["number"] for row in rows]),
                        system_name=rows[0]["system_name"],
                        system_url=rows[0]["system_url"],
                    )
                    for rows in by_agency.values()
                ],
            )
        )
    groups: dict[object, AgencyServices] = {}
    for row in catalog_selectors.services_in_region(regency_code):
        card = presentation.service_card(row)
        agency_id = row["agency_id"]
        if agency_id not in groups:
            groups[agency_id] = AgencyServices(
                card["agency"],
                counter_numbers(numbers.get(agency_id, [])),
                system_name=row["system_name"],
                system_url=row["system_url"],
            )
        groups[agency_id].services.append(card)
    for group in groups.values():  # online services first, then by name as the page shows it
        group.services.sort(key=lambda card: (card["mode"] != Mode.APPLICATION, str(card["name"]).casefold()))
    ordered = sorted(
        groups.items(), key=lambda item: (min(numbers.get(item[0], [10_000])), str(item[1].agency).casefold())
    )
    return RegionServices(mpps=essentials, agencies=[group for _agency, group in ordered])


def counter_numbers(numbers: list[int]) -> str:
    """Counter numbers as people read them: [1, 2, 3, 5] → "1–3, 5"; [] → ""."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)


#: Villages listed per page of a region's village list.
VILLAGES_PER_PAGE = 50


def village_count(regency_code: str) -> int:
    """How many villages and kelurahan the kabupaten/kota has (an index range count)."""
    return village_selectors.villages_of(regency_code).count()


def village_page_of(regency_code: str, *, q: str = "", number=None):
    """One page of the region's villages, those whose name contains ``q`` when given."""
    villages = village_selectors.villages_of(regency_code)
    if q:
        villages = villages.filter(name__icontains=q)
    return Paginator(villages, VILLAGES_PER_PAGE).get_page(number)
