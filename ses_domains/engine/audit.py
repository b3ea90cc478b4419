"""The audit behind ``ses-domains check``: every expected record on every nameserver, asked once,
plus the email-auth judgment of each domain as a whole.

Records: each (record, nameserver) pair is asked once, all concurrently, through the engine's
:func:`~ses_domains.engine.dns.wait.check_once`; each nameserver's answer becomes a
:class:`ServerAnswer`, and the answers of one record a single :class:`RecordStatus`:

- ``ok``: every nameserver serves it (and nothing that conflicts with it);
- ``missing``: no nameserver has it, and none serves another value;
- ``wrong``: no nameserver has it, some serve other values;
- ``stale``: some nameservers have it, others do not or serve an old value ("stale on some servers");
- ``conflicting``: the name also holds what conflicts with it: a second ``v=spf1`` or ``v=DMARC1``
  TXT, another MX beside SES's bounce MX, a CNAME where a TXT or MX is expected;
- ``could not check``: some nameserver did not answer, refused, or its name does not resolve,
  and those that answered found nothing wrong.

A problem that some servers show outranks a server that could not be asked: ``check`` reports
what it found. Nameserver names are resolved here one by one, so a name that does not resolve
is "could not check" for the domains that use it, and the other domains go on.

Email auth: :func:`~ses_domains.engine.email_auth.judge_email_auth_async` (checkdmarc), on the same
event loop and transport as the record queries, its lookups shared by every domain of the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import time
from dataclasses import dataclass
from enum import Enum
from typing import Iterable

from ses_domains.engine.dns.judge import PairState
from ses_domains.records.values import Mx, normalize_host
from ses_domains.engine.dns.nameservers import UnresolvedNameserver, format_hostport, resolve_each
from ses_domains.engine.dns.transport import DnsTransport
from ses_domains.engine.dns.wait import DomainTarget, PairStatus, check_once
from ses_domains.engine.email_auth import (
    EmailAuthJudgment, EmailAuthTarget, JudgmentStatus, ResolverSettings, judge_email_auth_async,
)
from ses_domains.nameserver_address import NameserverSpecError, parse_nameserver
from ses_domains.records.model import DnsRecord

SINGLETON_TXT_PREFIXES = ("v=spf1", "v=DMARC1")
"""TXT kinds a name may hold only one of (RFC 7208 4.5, RFC 7489 6.6.3)."""


class AuditError(Exception):
    """Root of this module's errors: the audit's input is unusable (nothing was asked)."""


class RecordStatus(str, Enum):
    OK = "ok"
    MISSING = "missing"
    WRONG = "wrong"
    STALE = "stale"
    CONFLICTING = "conflicting"
    COULD_NOT_CHECK = "could not check"

    @property
    def is_problem(self) -> bool:
        return self in (RecordStatus.MISSING, RecordStatus.WRONG, RecordStatus.STALE, RecordStatus.CONFLICTING)


class ServerState(str, Enum):
    """What one nameserver said about one record."""

    OK = "ok"
    MISSING = "missing"  # NXDOMAIN or no record of the type
    WRONG = "wrong"  # records of the type, none the expected one
    CONFLICTING = "conflicting"  # the expected one with conflicting company, or a CNAME in its place
    NO_ANSWER = "no answer"  # timeout, SERVFAIL, garbage, unresolvable name
    REFUSED = "refused"  # REFUSED or not authoritative: not a server of the zone

    @property
    def answered(self) -> bool:
        return self not in (ServerState.NO_ANSWER, ServerState.REFUSED)


class AuditVerdict(str, Enum):
    """The whole audit (or one domain): for the command's exit code 0 / 1 / 2."""

    OK = "ok"
    PROBLEMS = "problems"
    COULD_NOT_CHECK = "could not check"


@dataclass(frozen=True)
class AuditTarget:
    """One domain: its expected records, the nameservers to ask (``host[:port]``), its SES region."""

    domain: str
    records: tuple[DnsRecord, ...]
    nameservers: tuple[str, ...]
    ses_region: str


@dataclass(frozen=True)
class ServerAnswer:
    nameserver: str  # as the user (or the zone) wrote it
    state: ServerState
    served: tuple[str, ...] = ()  # values of the record's type at the name ("CNAME x" when an alias)
    detail: str = ""

    def as_json(self) -> dict:
        return {"nameserver": self.nameserver, "state": self.state.value, "served": list(self.served),
                "detail": self.detail}


@dataclass(frozen=True)
class RecordAudit:
    record: DnsRecord
    status: RecordStatus
    servers: tuple[ServerAnswer, ...]
    detail: str = ""  # one line: why the status (empty when ok)

    @property
    def expected(self) -> tuple[str, ...]:
        return self.record.values

    def as_json(self) -> dict:
        return {"name": self.record.name, "type": self.record.type, "expected": list(self.record.values),
                "status": self.status.value, "detail": self.detail,
                "servers": [s.as_json() for s in self.servers]}


def _verdict(problem: bool, gap: bool) -> AuditVerdict:
    if problem:
        return AuditVerdict.PROBLEMS
    return AuditVerdict.COULD_NOT_CHECK if gap else AuditVerdict.OK


@dataclass(frozen=True)
class DomainAudit:
    domain: str
    ses_region: str
    records: tuple[RecordAudit, ...]
    email_auth: EmailAuthJudgment | None = None  # None when the judgment was not asked for

    @property
    def verdict(self) -> AuditVerdict:
        auth = self.email_auth.status if self.email_auth is not None else JudgmentStatus.OK
        return _verdict(
            any(r.status.is_problem for r in self.records) or auth is JudgmentStatus.PROBLEM,
            any(r.status is RecordStatus.COULD_NOT_CHECK for r in self.records)
            or auth is JudgmentStatus.COULD_NOT_CHECK,
        )

    def record(self, name: str, rdtype: str) -> RecordAudit:
        return next(r for r in self.records if r.record.name == name and r.record.type == rdtype)

    def as_json(self) -> dict:
        return {"domain": self.domain, "ses_region": self.ses_region, "verdict": self.verdict.value,
                "records": [r.as_json() for r in self.records],
                "email_auth": None if self.email_auth is None else self.email_auth.as_json()}


@dataclass(frozen=True)
class AuditReport:
    domains: tuple[DomainAudit, ...]
    elapsed_s: float

    def __repr__(self) -> str:
        # Short: asyncio.run formats its finished main task, result included, when it restores the
        # SIGINT handler; the full repr of 10,000 domains took seconds.
        return f"AuditReport(verdict={self.verdict.value!r}, domains={len(self.domains)}, elapsed_s={self.elapsed_s:.3f})"

    @property
    def verdict(self) -> AuditVerdict:
        verdicts = {d.verdict for d in self.domains}
        return _verdict(AuditVerdict.PROBLEMS in verdicts, AuditVerdict.COULD_NOT_CHECK in verdicts)

    def domain(self, name: str) -> DomainAudit:
        return next(d for d in self.domains if d.domain == name)

    def as_json(self) -> dict:
        return {"verdict": self.verdict.value, "elapsed_s": round(self.elapsed_s, 3),
                "domains": [d.as_json() for d in self.domains]}


# ---------------------------------------------------------------- judging one record


def _singleton_prefix(value: str) -> str | None:
    lowered = value.lower()
    for prefix in SINGLETON_TXT_PREFIXES:
        p = prefix.lower()
        if lowered == p or lowered.startswith(p + " ") or lowered.startswith(p + ";"):
            return prefix
    return None


def _conflict(record: DnsRecord, served: tuple[str, ...]) -> str:
    """Why what the name holds conflicts with the expected record ("" when it does not)."""
    rdtype = record.type.upper()
    if rdtype not in ("TXT", "MX"):
        return ""
    return _conflict_of(rdtype, record.values, served)


@functools.lru_cache(maxsize=4096)
def _conflict_of(rdtype: str, values: tuple[str, ...], served: tuple[str, ...]) -> str:
    """:func:`_conflict` of a TXT or MX record's values (SES's MX and SPF values are the same for
    thousands of domains: judged once)."""
    if served and all(v.startswith("CNAME ") for v in served):
        return f"the name is an alias ({served[0]}): it can hold no {rdtype} record"
    if rdtype == "TXT":
        for expected in values:
            prefix = _singleton_prefix(expected)
            if prefix is None:
                continue
            same_kind = [v for v in served if _singleton_prefix(v) == prefix]
            if len(same_kind) > 1:
                return (f"the name holds {len(same_kind)} {prefix} records "
                        f"({'; '.join(repr(v) for v in same_kind)}): it may hold only one")
    if rdtype == "MX":
        expected_hosts = {Mx.parse(v).exchange for v in values}
        others = [v for v in served if Mx.parse(v).exchange not in expected_hosts]
        if others and len(others) < len(served):
            return f"other MX records beside it ({', '.join(others)}): bounces may go there"
    return ""


def _server_answer(label: str, record: DnsRecord, pair: PairStatus) -> ServerAnswer:
    state = pair.state
    if state is PairState.READY:
        conflict = _conflict(record, pair.found)
        if conflict:
            return ServerAnswer(label, ServerState.CONFLICTING, pair.found, conflict)
        return ServerAnswer(label, ServerState.OK, pair.found)
    if state is PairState.MISSING:
        return ServerAnswer(label, ServerState.MISSING, (), pair.detail)
    if state is PairState.WRONG:
        conflict = _conflict(record, pair.found)
        if conflict:
            return ServerAnswer(label, ServerState.CONFLICTING, pair.found, conflict)
        return ServerAnswer(label, ServerState.WRONG, pair.found, pair.detail)
    if state.is_misconfiguration:
        return ServerAnswer(label, ServerState.REFUSED, (), pair.detail)
    return ServerAnswer(label, ServerState.NO_ANSWER, (), pair.detail or state.value)


def _served_text(answer: ServerAnswer) -> str:
    return ", ".join(repr(v) for v in answer.served) or "nothing"


def judge_record(record: DnsRecord, servers: tuple[ServerAnswer, ...]) -> RecordAudit:
    """One status for a record from what each nameserver served (pure)."""
    if servers and all(s.state is ServerState.OK for s in servers):
        return RecordAudit(record, RecordStatus.OK, servers)
    answered = [s for s in servers if s.state.answered]
    silent = [s for s in servers if not s.state.answered]
    silent_text = "; ".join(f"{s.nameserver}: {s.state.value}" + (f" ({s.detail})" if s.detail else "")
                            for s in silent)
    ok = [s for s in answered if s.state is ServerState.OK]
    not_ok = [s for s in answered if s.state is not ServerState.OK]
    conflicting = [s for s in answered if s.state is ServerState.CONFLICTING]
    if conflicting:
        return RecordAudit(record, RecordStatus.CONFLICTING, servers,
                           f"{conflicting[0].detail} (on {', '.join(s.nameserver for s in conflicting)})")
    if not answered:
        return RecordAudit(record, RecordStatus.COULD_NOT_CHECK, servers, f"no nameserver answered: {silent_text}")
    if ok and not_ok:
        lagging = "; ".join(f"{s.nameserver} serves {_served_text(s)}" for s in not_ok)
        return RecordAudit(record, RecordStatus.STALE, servers,
                           f"stale on some servers: ok on {', '.join(s.nameserver for s in ok)}; {lagging}")
    if not_ok:
        if all(s.state is ServerState.MISSING for s in not_ok):
            status, detail = RecordStatus.MISSING, "no nameserver has it"
        else:
            status = RecordStatus.WRONG
            detail = f"expected {', '.join(repr(v) for v in record.values)}; " + "; ".join(
                f"{s.nameserver} serves {_served_text(s)}" for s in not_ok)
        if silent:
            detail += f" (could not check {silent_text})"
        return RecordAudit(record, status, servers, detail)
    if silent:
        return RecordAudit(record, RecordStatus.COULD_NOT_CHECK, servers,
                           f"ok on {', '.join(s.nameserver for s in ok)}; could not check {silent_text}")
    return RecordAudit(record, RecordStatus.OK, servers)


# ---------------------------------------------------------------- running the audit


def _validate(targets: Iterable[AuditTarget]) -> list[AuditTarget]:
    targets = list(targets)
    for target in targets:
        if not target.nameservers:
            raise AuditError(f"domain {target.domain}: no nameservers to ask")
        for text in target.nameservers:
            try:
                parse_nameserver(text)
            except NameserverSpecError as exc:
                raise AuditError(f"domain {target.domain}: {exc}") from exc
        for record in target.records:
            if record.type.upper() not in ("CNAME", "TXT", "MX"):
                raise AuditError(f"domain {target.domain}: {record.name}: unsupported type {record.type!r}")
    return targets


async def _resolve_each(labels: set[str]) -> dict[str, str | UnresolvedNameserver]:
    """label -> "ip:port" to ask, or why its host name cannot be resolved (each name once)."""
    specs = {label: parse_nameserver(label) for label in sorted(labels)}
    resolved = await resolve_each(list(specs.values()))
    return {
        label: server if isinstance(server := resolved[spec], UnresolvedNameserver)
        else format_hostport(server.address, server.port)
        for label, spec in specs.items()
    }


async def audit_records(targets: Iterable[AuditTarget], *,
                        transport: DnsTransport | None = None) -> tuple[DomainAudit, ...]:
    """Every record on every nameserver, asked once, concurrently (no email-auth judgment)."""
    targets = _validate(targets)
    endpoints = await _resolve_each({ns for t in targets for ns in t.nameservers})
    asked = [
        DomainTarget(t.domain, t.records,
                     tuple(dict.fromkeys(e for ns in t.nameservers if isinstance(e := endpoints[ns], str))))
        for t in targets
    ]
    report = await check_once([t for t in asked if t.nameservers], transport=transport)
    # Keyed by the record object (the report's pairs hold the targets' own): hashing a record
    # hashes its values, 240,000 times for 10,000 domains.
    pairs = {(d.domain, id(p.record), p.nameserver): p for d in report.domains for p in d.pairs}
    audits = []
    for target in targets:
        records = []
        for record in target.records:
            answers = []
            for label in dict.fromkeys(target.nameservers):
                endpoint = endpoints[label]
                if isinstance(endpoint, UnresolvedNameserver):
                    answers.append(ServerAnswer(label, ServerState.NO_ANSWER, (), endpoint.describe()))
                else:
                    answers.append(_server_answer(label, record, pairs[(target.domain, id(record), endpoint)]))
            records.append(judge_record(record, tuple(answers)))
        audits.append(DomainAudit(target.domain, target.ses_region, tuple(records)))
    return tuple(audits)


def email_auth_target(target: AuditTarget) -> EmailAuthTarget:
    """What the email-auth judgment looks at, read off the expected records: the MAIL FROM domain is
    the owner of the MX record (SES's only MX), DMARC is judged when ``_dmarc.<domain>`` is expected,
    BIMI when ``<selector>._bimi.<domain>`` is."""
    domain = normalize_host(target.domain)
    mail_from = next((r.name for r in target.records if r.type.upper() == "MX"), None)
    dmarc = any(r.type.upper() == "TXT" and normalize_host(r.name) == f"_dmarc.{domain}" for r in target.records)
    bimi_suffix = f"._bimi.{domain}"
    bimi = next((normalize_host(r.name)[:-len(bimi_suffix)] for r in target.records
                 if r.type.upper() == "TXT" and normalize_host(r.name).endswith(bimi_suffix)), None)
    return EmailAuthTarget(domain, target.ses_region, mail_from, dmarc, bimi)


@contextlib.contextmanager
def _fewer_collections():
    """Fewer garbage collections while the audit runs. It makes hundreds of thousands of small
    objects that live until its report is made; at the default thresholds the collector rescans
    them again and again, a third of a 10,000-domain check's time (measured: 21.3 s, 13.6 s
    without). What exists before is frozen out of the scans; the thresholds come back after."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


async def audit(
    targets: Iterable[AuditTarget],
    *,
    email_auth: ResolverSettings | None = ResolverSettings(),
    transport: DnsTransport | None = None,
) -> AuditReport:
    """The records of every domain on every nameserver and, unless ``email_auth`` is None, the
    email-auth judgment (its lookups go where ``email_auth.nameservers`` say: pass the command's
    ``--nameserver`` values; empty means the system's resolvers). Both run at the same time on
    this event loop, through one transport: each server's window is shared, the record questions
    go out first, and the judgment's lookups (each asked once per run) follow them.

    Never raises for DNS trouble; raises :class:`AuditError` for unusable input and
    :class:`~ses_domains.engine.email_auth.NameserverSetupError` for an unusable judgment nameserver.
    """
    started = time.monotonic()
    targets = _validate(targets)
    own = transport is None
    transport = transport or DnsTransport()
    try:
        with _fewer_collections():
            records = asyncio.ensure_future(audit_records(targets, transport=transport))
            try:
                judgments = None
                if email_auth is not None:
                    judgments = await judge_email_auth_async([email_auth_target(t) for t in targets], email_auth,
                                                             transport=transport)
                domains = await records
            finally:
                if not records.done():
                    records.cancel()
                    await asyncio.gather(records, return_exceptions=True)
    finally:
        if own:
            await transport.aclose()
    if judgments is not None:
        domains = tuple(DomainAudit(d.domain, d.ses_region, d.records, j) for d, j in zip(domains, judgments))
    return AuditReport(domains, time.monotonic() - started)


def audit_sync(targets: Iterable[AuditTarget], *,
               email_auth: ResolverSettings | None = ResolverSettings()) -> AuditReport:
    """Blocking wrapper of :func:`audit` (runs its own event loop)."""
    return asyncio.run(audit(targets, email_auth=email_auth))
