"""Waiting until every expected record is visible on every authoritative nameserver.

Each nameserver is polled by its own loop, so a slow or dead server never delays the
others. A loop asks only the questions whose records it has not confirmed yet, all at
once through the shared :class:`~.dns_query.DnsTransport`, then sleeps: fast at first
(``initial_interval_s``), growing by ``backoff`` up to ``max_interval_s``. The cap bounds
how late a record is noticed after it appears (about half the cap on average).
A round in which the server said nothing to some question starts the next one at once (after a
question that timed out) or after ``initial_interval_s`` (after one not asked, the server's breaker
being open): with the transport resending a silent server's probe every ``resend_every_s``, a
server back from a silence is heard, and its records confirmed, within about that interval.

A record is confirmed on a server once, and never asked again there: authoritative
servers of a zone do not lose records that were published.

REFUSED or an answer without AA means the zone is not delegated to that server (or the
address is wrong). It becomes terminal for a (record, server) pair after
``misconfig_tries`` consecutive such answers spread over at least ``misconfig_grace_s``:
not at the first one, because a server being given a new zone (a freshly created hosted
zone, a secondary that has just been configured, a reload) can briefly refuse it, and
the grace keeps one such blip from failing a deployment; not much later, because a
wrong delegation never fixes itself during a wait and the user should hear about it in
seconds rather than at the deadline.

A nameserver host name that does not resolve is that domain's error (``DomainReport.error``,
naming the domain and the host; its pairs are UNRESOLVED): the other domains are polled and
reported as usual. Neither :func:`wait_for_records` nor :func:`check_once` raises for DNS
trouble; the report's ``outcome`` says how it ended.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Iterable

from ses_domains.records.model import DnsRecord

from ses_domains.engine.dns.judge import AnswerVerdict, PairState, judge_result
from ses_domains.engine.dns.transport import DnsTransport, QueryError
from ses_domains.engine.dns.nameservers import (
    RESOLVE_TIMEOUT_S, Nameserver, UnresolvedNameserver, parse_nameserver, resolve_each,
)


@dataclass(frozen=True)
class DomainTarget:
    """The records of one domain and the authoritative nameservers of its zone."""

    domain: str
    records: tuple[DnsRecord, ...]
    nameservers: tuple[str, ...]  # "host[:port]": IP literals or hostnames


@dataclass(frozen=True)
class PairStatus:
    """What one nameserver last said about one expected record."""

    domain: str
    record: DnsRecord
    nameserver: str
    state: PairState
    found: tuple[str, ...] = ()
    detail: str = ""
    queries: int = 0

    @property
    def ready(self) -> bool:
        return self.state is PairState.READY

    def describe(self) -> str:
        expected = ", ".join(self.record.values)
        line = f"{self.record.type} {self.record.name} on {self.nameserver}: {self.state.value}"
        if self.state is PairState.WRONG:
            line += f" (expected {expected!r}; found {', '.join(repr(v) for v in self.found)})"
        elif self.state is not PairState.READY:
            line += f" (expected {expected!r}"
            line += f"; {self.detail})" if self.detail else ")"
        return line


@dataclass(frozen=True)
class DomainReport:
    """Every (record, nameserver) pair of one domain, and the domain's own error if any."""

    domain: str
    pairs: tuple[PairStatus, ...]
    error: str | None = None  # e.g. "d.example: nameserver ns.x.invalid cannot be resolved: ..."

    @property
    def ready(self) -> bool:
        return self.error is None and all(p.ready for p in self.pairs)

    @property
    def problems(self) -> tuple[PairStatus, ...]:
        return tuple(p for p in self.pairs if not p.ready)

    @property
    def unchecked(self) -> tuple[PairStatus, ...]:
        """Pairs nothing is known about: the server could not be asked or gave no usable answer."""
        return tuple(p for p in self.pairs if p.state.could_not_check)

    @property
    def could_not_check(self) -> bool:
        """Not ready only because some server could not be asked (timeout, unresolved,
        malformed answer...): no server said a record is missing or wrong, and none refused
        the zone. A refresh should leave the domain's verified state alone."""
        problems = self.problems
        return bool(problems) and all(p.state.could_not_check for p in problems)


class WaitOutcome(str, Enum):
    READY = "ready"  # every record on every server
    NOT_READY = "not ready"  # check_once: some are not (yet)
    DEADLINE = "deadline"  # the wait ran out of time
    MISCONFIGURED = "misconfigured"  # some server refuses the zone / is not authoritative
    UNRESOLVED = "unresolved"  # some nameserver host name has no address (see DomainReport.error)


@dataclass(frozen=True)
class DnsReport:
    outcome: WaitOutcome
    domains: tuple[DomainReport, ...]
    elapsed_s: float
    queries_sent: int
    rounds: int

    @property
    def ready(self) -> bool:
        return self.outcome is WaitOutcome.READY

    @property
    def problems(self) -> tuple[PairStatus, ...]:
        return tuple(p for d in self.domains for p in d.problems)

    def domain(self, name: str) -> DomainReport:
        return next(d for d in self.domains if d.domain == name)

    def describe(self) -> str:
        """Several lines for a human: the outcome, then each record missing or wrong where."""
        ready = sum(d.ready for d in self.domains)
        head = (
            f"DNS {self.outcome.value}: {ready}/{len(self.domains)} domains visible on all "
            f"nameservers after {self.elapsed_s:.1f}s ({self.queries_sent} queries)"
        )
        errors = [f"  {d.error}" for d in self.domains if d.error]
        problems = [f"  {p.domain}: {p.describe()}" for p in self.problems if p.state is not PairState.UNRESOLVED]
        return "\n".join([head, *errors, *problems])


@dataclass(frozen=True)
class DnsProgress:
    """Plain data for a progress line: ``f"{p.ready_pairs}/{p.total_pairs} ..."``."""

    ready_pairs: int
    total_pairs: int
    ready_domains: int
    total_domains: int
    elapsed_s: float
    queries_sent: int
    waiting: tuple[PairStatus, ...] = ()
    """The pairs not ready yet, each with what its server last said (``UNCHECKED``: no answer yet)."""


ProgressCallback = Callable[[DnsProgress], None]


@dataclass(frozen=True)
class PollSchedule:
    """How often each server is re-asked about its unconfirmed records."""

    initial_interval_s: float = 0.05
    backoff: float = 1.6
    max_interval_s: float = 0.6
    misconfig_tries: int = 3
    misconfig_grace_s: float = 1.0


_SILENCE = {QueryError.TIMEOUT, QueryError.NO_ANSWER}
_UNCHECKED = AnswerVerdict(PairState.UNCHECKED)  # immutable: one for every pair not answered yet

# ---------------------------------------------------------------- internal state


@dataclass
class _Pair:
    domain: str
    record: DnsRecord
    server: Nameserver | UnresolvedNameserver
    verdict: AnswerVerdict = _UNCHECKED
    queries: int = 0
    misconfig_count: int = 0
    misconfig_since: float | None = None
    terminal: bool = False

    @property
    def done(self) -> bool:
        return self.terminal or self.verdict.state is PairState.READY

    def status(self) -> PairStatus:
        return PairStatus(self.domain, self.record, self.server.label, self.verdict.state,
                          self.verdict.found, self.verdict.detail, self.queries)


class _Plan:
    """All (record, server) pairs of a wait, grouped per server and per question."""

    def __init__(self, targets: list[DomainTarget], servers: dict) -> None:
        self.domains = [t.domain for t in targets]
        self.pairs: list[_Pair] = []
        self.by_server: dict[tuple[str, int], list[_Pair]] = {}
        self.servers: dict[tuple[str, int], Nameserver] = {}
        self.errors: dict[str, list[str]] = {}
        for target in targets:
            for spec_text in dict.fromkeys(target.nameservers):
                server = servers[parse_nameserver(spec_text)]
                if isinstance(server, UnresolvedNameserver):
                    self.errors.setdefault(target.domain, []).append(server.describe())
                    verdict = AnswerVerdict(PairState.UNRESOLVED, detail=server.describe())
                    self.pairs.extend(_Pair(target.domain, r, server, verdict, terminal=True) for r in target.records)
                    continue
                self.servers.setdefault(server.endpoint, server)
                for record in target.records:
                    pair = _Pair(target.domain, record, server)
                    self.pairs.append(pair)
                    self.by_server.setdefault(server.endpoint, []).append(pair)

    def progress(self, started: float, transport: DnsTransport, queries_before: int) -> DnsProgress:
        ready = [p for p in self.pairs if p.verdict.state is PairState.READY]
        not_ready_domains = {p.domain for p in self.pairs if p.verdict.state is not PairState.READY}
        return DnsProgress(len(ready), len(self.pairs), len(self.domains) - len(not_ready_domains),
                           len(self.domains), time.monotonic() - started,
                           transport.stats.queries_sent - queries_before,
                           tuple(p.status() for p in self.pairs if p.verdict.state is not PairState.READY))

    def outcome(self, *, unfinished: WaitOutcome) -> WaitOutcome:
        if all(p.verdict.state is PairState.READY for p in self.pairs):
            return WaitOutcome.READY
        if any(p.verdict.state.is_misconfiguration and p.terminal for p in self.pairs):
            return WaitOutcome.MISCONFIGURED
        if self.errors:
            return WaitOutcome.UNRESOLVED
        return unfinished

    def report(self, outcome: WaitOutcome, elapsed: float, queries: int, rounds: int) -> DnsReport:
        """The report; a pair never answered by then is reported as a timeout."""
        per_domain: dict[str, list[PairStatus]] = {d: [] for d in self.domains}
        for pair in self.pairs:
            if pair.verdict.state is PairState.UNCHECKED:
                pair.verdict = AnswerVerdict(PairState.TIMEOUT, detail="no answer before the deadline")
            per_domain[pair.domain].append(pair.status())
        domains = tuple(
            DomainReport(d, tuple(per_domain[d]),
                         "; ".join(f"{d}: {e}" for e in self.errors[d]) if d in self.errors else None)
            for d in self.domains
        )
        return DnsReport(outcome, domains, elapsed, queries, rounds)


def _validate(targets: Iterable[DomainTarget]) -> list[DomainTarget]:
    targets = list(targets)
    for target in targets:
        if not target.nameservers:
            raise ValueError(f"domain {target.domain}: no nameservers given")
        for record in target.records:
            if record.type.upper() not in ("CNAME", "TXT", "MX"):
                raise ValueError(f"{record.name}: unsupported record type {record.type!r}")
    return targets


async def _prepare(targets: Iterable[DomainTarget], deadline: float) -> _Plan:
    targets = _validate(targets)
    specs = [parse_nameserver(ns) for t in targets for ns in t.nameservers]
    timeout = max(0.0, min(RESOLVE_TIMEOUT_S, deadline - time.monotonic()))
    return _Plan(targets, await resolve_each(specs, timeout_s=timeout))


async def _ask(transport: DnsTransport, server: Nameserver, pairs: list[_Pair],
               schedule: PollSchedule) -> set[QueryError]:
    """One round for one server: ask each distinct question once, judge every pair; the errors met."""
    questions: dict[tuple[str, str], list[_Pair]] = {}
    for pair in pairs:
        questions.setdefault((pair.record.name, pair.record.type.upper()), []).append(pair)
    groups = list(questions.values())
    errors: set[QueryError] = set()

    def judge(index: int, result) -> None:  # as each answer arrives: a deadline loses none that came
        if result.error is not None:
            errors.add(result.error)
        now = time.monotonic()
        for pair in groups[index]:
            pair.queries += result.attempts + (1 if result.via_tcp else 0)
            verdict = judge_result(pair.record, result)
            pair.verdict = verdict
            if verdict.state.is_misconfiguration:
                pair.misconfig_count += 1
                if pair.misconfig_since is None:
                    pair.misconfig_since = now
                if (pair.misconfig_count >= schedule.misconfig_tries
                        and now - pair.misconfig_since >= schedule.misconfig_grace_s):
                    pair.terminal = True
            else:
                pair.misconfig_count, pair.misconfig_since = 0, None

    await transport.query_many(server, list(questions), on_result=judge)
    return errors


CHECK_DEADLINE_S = 30.0
"""check_once's time for a few questions per server; more questions add their share (see below)."""


def check_deadline_s(questions_per_server: int, transport: DnsTransport) -> float:
    """Time for one look at every pair: 30 s, plus, for the busiest server, every window of
    questions answered at the slowest timeout the transport allows. Each query ends by itself
    (timeouts, a dead server's breaker); this only bounds a server that answers, slowly, a lot:
    60,000 questions at one server get their answers however starved the process is, where a
    fixed 30 s once cut a 10,000-domain check short with 237,695 of 240,000 answers in."""
    windows = questions_per_server / transport.max_in_flight_per_server
    return CHECK_DEADLINE_S + windows * transport.max_rto_s


async def check_once(targets: Iterable[DomainTarget], *, transport: DnsTransport | None = None,
                     deadline_s: float | None = None) -> DnsReport:
    """Ask every (record, nameserver) pair once, concurrently; report what each server says.

    ``outcome`` is READY, NOT_READY, MISCONFIGURED (a server refuses the zone or answers
    without authority) or UNRESOLVED (a nameserver name has no address: that domain's
    ``error``). Returns within ``deadline_s`` seconds (default: :func:`check_deadline_s` of the
    work) whatever the servers do; a question unanswered by then is reported as a timeout, and
    every answer that came in time is judged. Never raises for DNS trouble.
    """
    started = time.monotonic()
    own = transport is None
    transport = transport or DnsTransport()
    deadline = started + (deadline_s if deadline_s is not None else CHECK_DEADLINE_S)
    plan = await _prepare(targets, deadline)
    if deadline_s is None:
        busiest = max((len({(p.record.name, p.record.type.upper()) for p in pairs})
                       for pairs in plan.by_server.values()), default=0)
        deadline = started + check_deadline_s(busiest, transport)
    before = transport.stats.queries_sent
    tasks = [asyncio.ensure_future(_look(transport, plan.servers[key], pairs))
             for key, pairs in plan.by_server.items()]
    try:
        await _until(tasks, deadline)
    finally:
        if own:
            await transport.aclose()
    for pair in plan.pairs:  # one look is all there is: a refusal is final
        pair.terminal = pair.terminal or pair.verdict.state.is_misconfiguration
    outcome = plan.outcome(unfinished=WaitOutcome.NOT_READY)
    return plan.report(outcome, time.monotonic() - started, transport.stats.queries_sent - before, 1)


async def _look(transport: DnsTransport, server: Nameserver, pairs: list[_Pair]) -> None:
    """check_once's look at one server: every question once; then, if some got no answer (the
    server fell silent for a while: its breaker opened and the questions behind were failed
    unasked), those once more, as long as each look settles some of them. A server that stalls for
    a second behind 60,000 questions is checked, not reported as a gap; one dead from the start
    costs one probe, no more looks."""
    open_pairs = pairs
    while open_pairs:
        errors = await _ask(transport, server, open_pairs, PollSchedule())
        if not errors & _SILENCE:
            return
        left = [p for p in open_pairs if p.verdict.state is PairState.TIMEOUT]
        if len(left) >= len(open_pairs):
            return
        open_pairs = left


async def _until(tasks: list[asyncio.Future], deadline: float) -> None:
    """Wait for ``tasks`` until ``deadline`` (monotonic); cancel what is left; re-raise a task's bug."""
    if not tasks:
        return
    try:
        done, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()


async def wait_for_records(
    targets: Iterable[DomainTarget],
    *,
    deadline_s: float,
    on_progress: ProgressCallback | None = None,
    schedule: PollSchedule = PollSchedule(),
    transport: DnsTransport | None = None,
) -> DnsReport:
    """Poll until every record is visible on every nameserver, a server is found
    misconfigured, or ``deadline_s`` seconds pass. Never raises for DNS trouble: look at
    ``report.outcome`` (READY, DEADLINE, MISCONFIGURED or UNRESOLVED) and each domain's report.

    ``on_progress`` is called after every server round with a :class:`DnsProgress`.
    Pass a shared ``transport`` to run several waits over the same sockets.
    """
    started = time.monotonic()
    deadline = started + deadline_s
    plan = await _prepare(targets, deadline)
    own = transport is None
    transport = transport or DnsTransport()
    before = transport.stats.queries_sent
    rounds = 0

    async def poll(server: Nameserver, pairs: list[_Pair]) -> None:
        nonlocal rounds
        interval = schedule.initial_interval_s
        while True:
            open_pairs = [p for p in pairs if not p.done]
            if not open_pairs:
                return
            errors = await _ask(transport, server, open_pairs, schedule)
            rounds += 1
            if on_progress is not None:
                on_progress(plan.progress(started, transport, before))
            if all(p.done for p in open_pairs):
                return
            if errors & _SILENCE:
                # The server said nothing to some question: ask again at once, and soon after, so
                # a server back from a silence is heard within the transport's resend interval (a
                # question timed out has already waited its timeout; one not asked has not waited).
                interval = schedule.initial_interval_s
                if QueryError.TIMEOUT in errors:
                    continue
            await asyncio.sleep(min(interval, max(0.0, deadline - time.monotonic())))
            interval = min(interval * schedule.backoff, schedule.max_interval_s)

    tasks = [asyncio.ensure_future(poll(plan.servers[k], pairs)) for k, pairs in plan.by_server.items()]
    try:
        await _until(tasks, deadline)
    finally:
        if own:
            await transport.aclose()
    outcome = plan.outcome(unfinished=WaitOutcome.DEADLINE)
    return plan.report(outcome, time.monotonic() - started, transport.stats.queries_sent - before, rounds)
