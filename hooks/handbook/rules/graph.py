"""The dependency graph among services: cycles are errors; on an acyclic graph, each service's tier
and estimated recovery (with its critical path) are derived once, here."""

from __future__ import annotations

import graphlib
from collections.abc import Iterator, Mapping

from handbook.dataset import ServiceFacts
from handbook.durations import Duration
from handbook.model import Handbook, Service, Tier
from handbook.problems import Problem, Severity
from handbook.structure import problem_at


def hard_dependencies(service: Service, services: Mapping[str, object]) -> list[str]:
    """Services this one needs to run (``degraded: true`` links play no part), known ones only."""
    return [
        d.service
        for d in service.depends_on
        if d.service is not None and not d.degraded and d.service in services
    ]


def find_cycles(services: Mapping[str, Service]) -> Iterator[Problem]:
    """Every circle of hard dependencies, each named once, at the link that closes it."""
    graph = {sid: set(hard_dependencies(s, services)) for sid, s in services.items()}
    while True:
        sorter = graphlib.TopologicalSorter(graph)
        try:
            sorter.prepare()
            return
        except graphlib.CycleError as exc:
            cycle: list[str] = exc.args[1]  # [a, b, ..., a]: a depends on b ...
        # Start the message at the smallest id so the same cycle reads the same on every run.
        ring = cycle[:-1]
        start = ring.index(min(ring))
        ring = ring[start:] + ring[:start]
        first, second = ring[0], ring[1 % len(ring)]
        # graphlib lists a cycle against the direction of dependency; find which way ours runs.
        if second not in graph[first]:
            ring = [ring[0], *reversed(ring[1:])]
            second = ring[1 % len(ring)]
        service = services[first]
        index = next(i for i, d in enumerate(service.depends_on) if d.service == second and not d.degraded)
        names = " -> ".join([*ring, first])
        yield problem_at(
            service,
            ("depends_on", index),
            Severity.ERROR,
            "dependency-cycle",
            f"dependency cycle: {names}",
            "break the cycle, or mark 'degraded: true' the link where a service still runs without the other",
        )
        graph[first].discard(second)


def tier_for(handbook: Handbook, service: Service) -> tuple[Tier, bool]:
    """The service's tier and whether the data gave it; a derived tier is the first whose max_rto
    covers the RTO, or the last one."""
    if service.tier is not None:
        for tier in handbook.tiers:
            if tier.tier == service.tier:
                return tier, True
    for tier in handbook.tiers:
        if service.bia.rto <= tier.max_rto:
            return tier, False
    return handbook.tiers[-1], False


def derive_facts(handbook: Handbook, services: Mapping[str, Service]) -> dict[str, ServiceFacts]:
    """Tier and estimated recovery of every service; the graph must be acyclic."""
    graph = {sid: hard_dependencies(s, services) for sid, s in services.items()}
    facts: dict[str, ServiceFacts] = {}
    for sid in graphlib.TopologicalSorter(graph).static_order():
        service = services[sid]
        tier, given = tier_for(handbook, service)
        own = service.continuity.recovery_time if service.continuity else None
        deps = sorted(graph[sid])
        unknown = [d for d in deps if facts[d].estimate is None]
        if own is None:
            facts[sid] = ServiceFacts(tier, given, None, sid, (sid,))
        elif unknown:
            cause = facts[unknown[0]].unknown_because
            facts[sid] = ServiceFacts(tier, given, None, cause, (sid, *facts[unknown[0]].critical_path))
        elif deps:
            # The slowest dependency sets the pace; max() keeps the first of equals, so ties go
            # to the first id in order and the page is stable.
            slowest = max(deps, key=lambda d: facts[d].estimate or Duration(0))
            longest = facts[slowest].estimate or Duration(0)
            facts[sid] = ServiceFacts(tier, given, own + longest, None, (sid, *facts[slowest].critical_path))
        else:
            facts[sid] = ServiceFacts(tier, given, own, None, (sid,))
    return {sid: facts[sid] for sid in services}
