"""Judging a domain's email authentication as a whole, with checkdmarc (no hand-written parsers).

Per domain:

- SPF at the MAIL FROM domain (where SES's bounces make receivers check SPF) and at the apex
  when the apex has one: exactly one ``v=spf1`` record per name, at most 10 DNS lookups
  (RFC 7208 4.6.4), includes that resolve;
- DMARC at ``_dmarc.<domain>``: one record, valid syntax and tags, and every external ``rua``/``ruf``
  destination authorized by ``<domain>._report._dmarc.<destination>`` TXT ``v=DMARC1``;
- the MAIL FROM MX pointing at the feedback endpoint of the stack's SES region;
- BIMI at ``<selector>._bimi.<domain>`` when the stack publishes it: checkdmarc's BIMI parser, with
  the domain's DMARC at enforcement (quarantine or reject, no ``sp=none``, no ``pct`` below 100,
  and not ``t=y``). The logo and the certificate are fetched only when asked
  (``ResolverSettings.fetch_bimi``): CI often has no internet.

DMARC is judged as RFC 9989 has it (checkdmarc 5.16 and later: ``t``, ``psd`` and ``np`` are tags,
``pct``, ``rf`` and ``ri`` removed ones that only warn; policy discovery walks the DNS tree, and
``location`` says where the record that applies was found).

Every lookup checkdmarc makes goes through one :class:`dns.resolver.Resolver` built here: to the
given ``host[:port]`` nameservers (so a check runs offline against a loopback server on a high
port) or, without any, to the system's resolvers. A given server is asked as the engine's record
check asks it: its timeout adapts to its measured round trip (the engine's RFC 6298 timer, shared
by the worker threads), a retransmission waits the backed-off timeout on the same socket and an
answer to either try counts, so a server 800 ms away is judged, not written off. A query that got
no answer from a server silent since it was sent marks the server as stopped: it is skipped at
once for the rest of the run, so a dead server costs one query's timeouts per run, not one per
lookup. Each lookup is bounded, and the whole judgment by ``deadline_s``.

checkdmarc is sequential and blocking: domains are judged concurrently in a bounded thread pool.
It also keeps a process-wide answer cache keyed by name and type only (not by nameserver); a
run clears it first, so a judgment sees what the servers serve now and never answers
learned from other servers, and runs in one process take turns.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Sequence

import checkdmarc.bimi as cd_bimi
import checkdmarc.dmarc as cd_dmarc
import checkdmarc.spf as cd_spf
import checkdmarc.utils as cd_utils
import dns.exception
import dns.message
import dns.nameserver
import dns.query
import dns.resolver
import requests

from ses_domains.engine.dns.round_trip import RoundTripTimer, RtoLimits
from ses_domains.nameserver_address import NameserverSpecError, parse_nameserver

SPF_LOOKUP_LIMIT = 10
TCP_TIMEOUT_S = 2.0
DEFAULT_WORKERS = 128

_RUN_LOCK = threading.Lock()


class EmailAuthError(Exception):
    """Root of the errors of this module: the judgment could not be set up at all."""


class NameserverSetupError(EmailAuthError):
    """A ``--nameserver`` value is malformed or its host name does not resolve."""


class JudgmentStatus(str, Enum):
    OK = "ok"
    PROBLEM = "problem"
    COULD_NOT_CHECK = "could not check"


def worst(statuses: Iterable[JudgmentStatus]) -> JudgmentStatus:
    """PROBLEM beats COULD_NOT_CHECK beats OK (a found problem is worth more than a gap)."""
    statuses = set(statuses)
    for status in (JudgmentStatus.PROBLEM, JudgmentStatus.COULD_NOT_CHECK):
        if status in statuses:
            return status
    return JudgmentStatus.OK


@dataclass(frozen=True)
class EmailAuthTarget:
    """What to judge for one domain.

    ``mail_from_domain``: the custom MAIL FROM domain (None: SES's own, nothing to judge there).
    ``dmarc``: whether the stack publishes DMARC for the domain (judged only then).
    ``bimi_selector``: the selector of the BIMI record the stack publishes (None: no BIMI to judge).
    """

    domain: str
    ses_region: str
    mail_from_domain: str | None = None
    dmarc: bool = True
    bimi_selector: str | None = None


@dataclass(frozen=True)
class SpfJudgment:
    """The SPF record at one name. ``required``: the MAIL FROM name must have one; the apex
    is judged only when it publishes something."""

    name: str
    required: bool
    status: JudgmentStatus
    record: str | None = None
    dns_lookups: int | None = None
    error: str = ""
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"name": self.name, "required": self.required, "status": self.status.value,
                "record": self.record, "dns_lookups": self.dns_lookups, "error": self.error,
                "warnings": list(self.warnings)}


@dataclass(frozen=True)
class ReportDestination:
    """One external ``rua``/``ruf`` mailbox and whether its domain accepts this domain's reports."""

    tag: str  # "rua" or "ruf"
    address: str  # the mailbox, e.g. "dmarc@reports.example.net"
    destination_domain: str
    authorization_name: str  # <domain>._report._dmarc.<destination_domain>
    status: JudgmentStatus
    message: str = ""

    def as_json(self) -> dict:
        return {"tag": self.tag, "address": self.address, "destination_domain": self.destination_domain,
                "authorization_name": self.authorization_name, "status": self.status.value,
                "message": self.message}


@dataclass(frozen=True)
class DmarcJudgment:
    name: str  # _dmarc.<domain>
    status: JudgmentStatus
    record: str | None = None
    tags: tuple[tuple[str, str], ...] = ()  # explicit tags as written, in order (rua/ruf as addresses)
    report_destinations: tuple[ReportDestination, ...] = ()
    error: str = ""
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"name": self.name, "status": self.status.value, "record": self.record,
                "tags": dict(self.tags),
                "report_destinations": [d.as_json() for d in self.report_destinations],
                "error": self.error, "warnings": list(self.warnings)}


@dataclass(frozen=True)
class BimiJudgment:
    name: str  # <selector>._bimi.<domain>
    status: JudgmentStatus
    record: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    fetched: bool = False  # whether the logo and the certificate were downloaded and judged
    error: str = ""
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"name": self.name, "status": self.status.value, "record": self.record, "tags": dict(self.tags),
                "fetched": self.fetched, "error": self.error, "warnings": list(self.warnings)}


@dataclass(frozen=True)
class MailFromMxJudgment:
    name: str  # the MAIL FROM domain
    expected: str  # "10 feedback-smtp.<region>.amazonses.com"
    status: JudgmentStatus
    found: tuple[str, ...] = ()  # "<preference> <host>"
    message: str = ""

    def as_json(self) -> dict:
        return {"name": self.name, "expected": self.expected, "status": self.status.value,
                "found": list(self.found), "message": self.message}


@dataclass(frozen=True)
class EmailAuthJudgment:
    domain: str
    spf: tuple[SpfJudgment, ...]
    dmarc: DmarcJudgment | None
    mail_from_mx: MailFromMxJudgment | None
    error: str = ""  # set when the domain could not be judged at all
    bimi: BimiJudgment | None = None

    @property
    def status(self) -> JudgmentStatus:
        parts = [s.status for s in self.spf]
        if self.dmarc is not None:
            parts.append(self.dmarc.status)
        if self.bimi is not None:
            parts.append(self.bimi.status)
        if self.mail_from_mx is not None:
            parts.append(self.mail_from_mx.status)
        if self.error:
            parts.append(JudgmentStatus.COULD_NOT_CHECK)
        return worst(parts)

    def problems(self) -> tuple[str, ...]:
        """One line per problem or gap, for a human."""
        lines = [f"SPF {s.name}: {s.error}" for s in self.spf if s.status is not JudgmentStatus.OK]
        if self.dmarc is not None and self.dmarc.status is not JudgmentStatus.OK:
            if self.dmarc.error:
                lines.append(f"DMARC {self.dmarc.name}: {self.dmarc.error}")
            lines += [f"DMARC {self.dmarc.name}: {d.message}" for d in self.dmarc.report_destinations
                      if d.status is not JudgmentStatus.OK]
        if self.mail_from_mx is not None and self.mail_from_mx.status is not JudgmentStatus.OK:
            lines.append(f"MX {self.mail_from_mx.name}: {self.mail_from_mx.message}")
        if self.bimi is not None and self.bimi.status is not JudgmentStatus.OK:
            lines.append(f"BIMI {self.bimi.name}: {self.bimi.error}")
        if self.error:
            lines.append(self.error)
        return tuple(lines)

    def as_json(self) -> dict:
        return {"domain": self.domain, "status": self.status.value,
                "spf": [s.as_json() for s in self.spf],
                "dmarc": None if self.dmarc is None else self.dmarc.as_json(),
                "mail_from_mx": None if self.mail_from_mx is None else self.mail_from_mx.as_json(),
                "bimi": None if self.bimi is None else self.bimi.as_json(),
                "error": self.error}


def feedback_mx(region: str) -> str:
    return f"10 feedback-smtp.{region}.amazonses.com"


# ---------------------------------------------------------------- the resolver


class _ServerHealth:
    """One nameserver during one run, shared by the worker threads: its round-trip estimate
    (the engine's RFC 6298 timer, so a server 800 ms away gets timeouts that cover 800 ms), when
    it last answered, and whether it stopped answering."""

    def __init__(self, label: str, limits: RtoLimits) -> None:
        self.label = label
        self.timer = RoundTripTimer(limits)
        self.last_answer_at = float("-inf")
        self.stopped = False

    def answered(self, now: float, rtt_s: float | None) -> None:
        self.last_answer_at = now
        if rtt_s is not None:
            self.timer.sample(rtt_s)

    def silent_since(self, moment: float) -> bool:
        return self.last_answer_at < moment


class _RunHealth:
    """Every nameserver's health during one run, and the run's deadline."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._servers: dict[str, _ServerHealth] = {}

    def server(self, label: str, limits: RtoLimits) -> _ServerHealth:
        return self._servers.setdefault(label, _ServerHealth(label, limits))

    def dead_servers(self) -> tuple[str, ...]:
        return tuple(label for label, server in self._servers.items() if server.stopped)


class ServerStoppedAnswering(OSError):
    """Raised instead of sending to a server that stopped answering during this run (or once the
    run's deadline has passed).

    An OSError, because dnspython's resolver then drops the server for the lookup (a timeout
    would be retried until the lookup's lifetime ends)."""


class _AdaptiveNameserver(dns.nameserver.Do53Nameserver):
    """A plain DNS server at an address and port, asked the way the engine's transport asks:
    the timeout is the server's current RTO; one retransmission with the backed-off RTO on the
    same socket, so an answer to either try counts (a server slower than the RTO still gets its
    answer through). A query that got no answer, from a server that answered nothing else since it
    was sent, marks the server as stopped: it is skipped at once for the rest of the run."""

    def __init__(self, address: str, port: int, health: _ServerHealth, run: _RunHealth,
                 settings: "ResolverSettings") -> None:
        super().__init__(address, port)
        self.label = health.label
        self._health = health
        self._run = run
        self._retries = settings.retries

    def query(self, request, timeout, source, source_port, max_size, one_rr_per_rrset=False,
              ignore_trailing=False):
        health = self._health
        if health.stopped:
            raise ServerStoppedAnswering(f"{self.label} stopped answering during this check")
        now = time.monotonic()
        budget = min(timeout, self._run.deadline - now)
        if budget <= 0:
            raise ServerStoppedAnswering(f"the check's time ran out before {self.label} was asked")
        if max_size:  # TCP, after a truncated answer: connect and ask, at least two round trips
            response = super().query(request, min(budget, max(TCP_TIMEOUT_S, 3 * health.timer.rto_s)), source,
                                     source_port, max_size, one_rr_per_rrset, ignore_trailing)
            health.answered(time.monotonic(), None)
            return response
        return self._ask_over_udp(request, now + budget, source, source_port, one_rr_per_rrset, ignore_trailing)

    def _ask_over_udp(self, request, expiration, source, source_port, one_rr_per_rrset, ignore_trailing):
        health = self._health
        family = socket.AF_INET6 if ":" in self.address else socket.AF_INET
        first_sent = time.monotonic()
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            if source or source_port:
                sock.bind((source or ("::" if family == socket.AF_INET6 else "0.0.0.0"), source_port))
            for attempt in range(1 + self._retries):
                sent = time.monotonic()
                rto = health.timer.rto_s
                wait = min(rto, expiration - sent)
                if wait <= 0:
                    break
                try:
                    response = dns.query.udp(
                        request, self.address, timeout=wait, port=self.port, sock=sock,
                        raise_on_truncation=True, one_rr_per_rrset=one_rr_per_rrset,
                        ignore_trailing=ignore_trailing, ignore_errors=True, ignore_unexpected=True)
                except dns.exception.Timeout:
                    health.timer.timed_out(rto)
                    continue
                except dns.message.Truncated:
                    health.answered(time.monotonic(), None)
                    raise
                answered = time.monotonic()
                health.answered(answered, answered - sent if attempt == 0 else None)  # Karn
                return response
        if health.silent_since(first_sent):
            health.stopped = True
        raise dns.exception.Timeout(timeout=time.monotonic() - first_sent)


@dataclass(frozen=True)
class ResolverSettings:
    """Where and how long the judgment's lookups go. ``nameservers``: ``host[:port]`` strings;
    empty means the system's resolvers, asked with ``attempt_timeout_s`` per try and
    ``lifetime_s`` per lookup (a recursive resolver's time varies with its cache: no adaptation).

    Given nameservers are each asked with their own adaptive timeout (``rto``: the engine's
    RFC 6298 limits) and ``retries`` retransmissions; ``server_lifetime_s`` bounds one lookup and
    ``deadline_s`` the whole judgment (past it, what is left is "could not check")."""

    nameservers: tuple[str, ...] = ()
    attempt_timeout_s: float = 0.5
    lifetime_s: float = 1.5
    server_lifetime_s: float = 10.0
    deadline_s: float = 30.0
    retries: int = 1
    rto: RtoLimits = RtoLimits()
    fetch_bimi: bool = False
    """Download each BIMI logo and certificate (HTTPS) and judge them too; off, only the record is judged."""


def _server_endpoints(nameservers: Sequence[str]) -> list[tuple[str, str, int]]:
    """(label, address, port) per nameserver; host names resolved once, here."""
    endpoints = []
    for text in nameservers:
        try:
            spec = parse_nameserver(text)
        except NameserverSpecError as exc:
            raise NameserverSetupError(str(exc)) from exc
        address = spec.host
        if not spec.is_ip:
            try:
                infos = socket.getaddrinfo(spec.host, spec.port, type=socket.SOCK_DGRAM)
            except OSError as exc:
                raise NameserverSetupError(f"cannot resolve nameserver {spec.host}: {exc}") from exc
            addresses = [info[4][0] for info in infos]
            address = ([a for a in addresses if ":" not in a] or addresses)[0]
        endpoints.append((str(spec), address, spec.port))
    return endpoints


def _make_resolver(settings: ResolverSettings, endpoints, run: _RunHealth) -> dns.resolver.Resolver:
    if endpoints:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [_AdaptiveNameserver(a, p, run.server(label, settings.rto), run, settings)
                                for label, a, p in endpoints]
        resolver.timeout = resolver.lifetime = settings.server_lifetime_s  # each server's own timeouts decide
    else:
        resolver = dns.resolver.Resolver()
        resolver.timeout = settings.attempt_timeout_s
        resolver.lifetime = settings.lifetime_s
    resolver.cache = None
    return resolver


# ---------------------------------------------------------------- the checks


_UNREACHABLE = (dns.exception.Timeout, dns.resolver.NoNameservers, OSError)


def _lookup_failure(error: BaseException) -> str:
    """Why a lookup got no answer, as one plain phrase (not dnspython's "Server Do53:... answered ...")."""
    seen = set()
    cause: BaseException | None = error
    while isinstance(cause, BaseException) and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, dns.resolver.NoNameservers):
            reasons = [str(entry[3]) for entry in cause.kwargs.get("errors") or () if len(entry) > 3]
            plain = [r for r in dict.fromkeys(reasons) if "stopped answering" in r or "time ran out" in r]
            return "; ".join(plain) if plain else "no nameserver answered"
        if isinstance(cause, ServerStoppedAnswering):
            return str(cause)
        if isinstance(cause, dns.exception.Timeout):
            return "no answer in time"
        inner = getattr(cause, "error", None)
        cause = inner if isinstance(inner, BaseException) else (cause.__cause__ or cause.__context__)
    return str(error)


def _unreachable(error: BaseException | str | None) -> bool:
    seen = set()
    while isinstance(error, BaseException) and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, _UNREACHABLE):
            return True
        inner = getattr(error, "error", None)
        error = inner if isinstance(inner, BaseException) else (error.__cause__ or error.__context__)
    return False


def _judge_spf(name: str, *, required: bool, resolver) -> SpfJudgment:
    try:
        query = cd_spf.query_spf_record(name, resolver=resolver, retries=0)
    except cd_spf.SPFRecordNotFound as exc:
        if _unreachable(exc):
            return SpfJudgment(name, required, JudgmentStatus.COULD_NOT_CHECK,
                               error=f"could not look up the SPF record: {_lookup_failure(exc)}")
        if not required:
            return SpfJudgment(name, required, JudgmentStatus.OK, error="no SPF record (none needed)")
        return SpfJudgment(name, required, JudgmentStatus.PROBLEM, error=f"no SPF record: {exc}",
                           warnings=tuple(exc.warnings))
    except cd_spf.MultipleSPFRTXTRecords as exc:
        return SpfJudgment(name, required, JudgmentStatus.PROBLEM,
                           error=f"{exc}: a name may hold only one v=spf1 record (RFC 7208 4.5), "
                                 "receivers return permerror")
    record = query["record"]
    warnings = list(query["warnings"])
    try:
        parsed = cd_spf.parse_spf_record(record, name, ignore_too_many_lookups=True,
                                         resolver=resolver, retries=0)
    except cd_spf.SPFError as exc:
        status = JudgmentStatus.COULD_NOT_CHECK if _unreachable(exc) else JudgmentStatus.PROBLEM
        return SpfJudgment(name, required, status, record, error=str(exc),
                           warnings=tuple(warnings + exc.warnings))
    warnings += parsed["warnings"]
    lookups = parsed["dns_lookups"]
    if "error" in parsed:
        return SpfJudgment(name, required, JudgmentStatus.PROBLEM, record, lookups,
                           error=str(parsed["error"]), warnings=tuple(warnings))
    if lookups > SPF_LOOKUP_LIMIT:
        return SpfJudgment(name, required, JudgmentStatus.PROBLEM, record, lookups,
                           error=f"{lookups} DNS lookups, more than the {SPF_LOOKUP_LIMIT} SPF allows "
                                 "(RFC 7208 4.6.4): receivers return permerror",
                           warnings=tuple(warnings))
    return SpfJudgment(name, required, JudgmentStatus.OK, record, lookups, warnings=tuple(warnings))


def _has_txt(name: str, resolver) -> bool:
    """Whether the name holds any TXT at all (the apex SPF is judged only when it might have one)."""
    try:
        return bool(cd_utils.query_dns(name, "TXT", resolver=resolver, retries=0))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return False


def _report_destinations(domain: str, tags: dict, resolver) -> tuple[ReportDestination, ...]:
    destinations = []
    for tag in ("rua", "ruf"):
        for uri in tags.get(tag, {}).get("value") or ():
            if not isinstance(uri, dict) or uri.get("scheme") != "mailto":
                continue
            address = uri["address"]
            destination = address.rsplit("@", 1)[-1].lower()
            auth_name = f"{domain}._report._dmarc.{destination}"
            if cd_utils.get_base_domain(destination) == cd_utils.get_base_domain(domain):
                continue  # not external (RFC 9990 4): no authorization needed
            try:
                cd_dmarc.verify_dmarc_report_destination(domain, destination, resolver=resolver, retries=0)
            except cd_dmarc.UnverifiedDMARCURIDestination:
                destinations.append(ReportDestination(
                    tag, address, destination, auth_name, JudgmentStatus.PROBLEM,
                    f"{tag} mailbox {address} is in another domain that has not authorized reports about "
                    f'{domain}: publish {auth_name} TXT "v=DMARC1"'))
                continue
            except cd_dmarc.DMARCError as exc:
                destinations.append(ReportDestination(tag, address, destination, auth_name,
                                                      JudgmentStatus.PROBLEM, str(exc)))
                continue
            destinations.append(ReportDestination(tag, address, destination, auth_name, JudgmentStatus.OK))
    return tuple(destinations)


def _judge_dmarc(domain: str, resolver) -> tuple[DmarcJudgment, dict | None]:
    """The judgment, and checkdmarc's parsed tags (None when the record could not be parsed) for BIMI's
    own look at the policy."""
    name = f"_dmarc.{domain}"
    # Asked first, directly: without a record there, checkdmarc walks up to the parents, whose
    # policy is not this stack's (and which the given authoritative servers refuse to answer).
    try:
        cd_utils.query_dns(name, "TXT", resolver=resolver, retries=0)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return DmarcJudgment(name, JudgmentStatus.PROBLEM, error=f"no DMARC record (TXT) at {name}"), None
    except dns.exception.DNSException as exc:
        return DmarcJudgment(name, JudgmentStatus.COULD_NOT_CHECK, error=f"could not look up {name}: {_lookup_failure(exc)}"), None
    try:
        query = cd_dmarc.query_dmarc_record(domain, resolver=resolver, retries=0)
    except cd_dmarc.DMARCError as exc:
        status = JudgmentStatus.COULD_NOT_CHECK if _unreachable(exc) else JudgmentStatus.PROBLEM
        return DmarcJudgment(name, status, error=str(exc)), None
    record, warnings = query["record"], list(query["warnings"])
    if query["location"] != domain:
        return DmarcJudgment(name, JudgmentStatus.PROBLEM, record,
                             error=f"no DMARC record at {name}; the policy of {query['location']} applies",
                             warnings=tuple(warnings)), None
    try:
        parsed = cd_dmarc.parse_dmarc_record(record, domain, resolver=resolver, retries=0)
    except cd_dmarc.DMARCError as exc:
        return DmarcJudgment(name, JudgmentStatus.PROBLEM, record, error=str(exc), warnings=tuple(warnings)), None
    tags = parsed["tags"]
    explicit = tuple(
        (tag, ",".join(u["address"] for u in v["value"]) if tag in ("rua", "ruf") else str(v["value"]))
        for tag, v in tags.items() if v.get("explicit")
    )
    destinations = _report_destinations(domain, tags, resolver)
    # checkdmarc words an unauthorized destination as a warning; it is judged above, typed
    warnings += [w for w in parsed["warnings"] if "does not indicate that it accepts" not in w]
    status = worst(d.status for d in destinations)
    return DmarcJudgment(name, status, record, explicit, destinations, warnings=tuple(warnings)), tags


def _judge_mail_from_mx(mail_from: str, region: str, resolver) -> MailFromMxJudgment:
    expected = feedback_mx(region)
    expected_host = expected.split(" ", 1)[1]
    try:
        hosts = cd_utils.get_mx_records(mail_from, resolver=resolver, retries=0)
    except cd_utils.DNSExceptionNXDOMAIN:
        return MailFromMxJudgment(mail_from, expected, JudgmentStatus.PROBLEM,
                                  message=f"{mail_from} does not exist: SES needs its MX {expected}")
    except cd_utils.DNSException as exc:
        return MailFromMxJudgment(mail_from, expected, JudgmentStatus.COULD_NOT_CHECK,
                                  message=f"could not look up the MX: {_lookup_failure(exc)}")
    found = tuple(f"{h['preference']} {h['hostname'].rstrip('.').lower()}" for h in hosts)
    names = [h["hostname"].rstrip(".").lower() for h in hosts]
    if not names:
        return MailFromMxJudgment(mail_from, expected, JudgmentStatus.PROBLEM, found,
                                  f"no MX record: SES needs {expected}")
    if all(n == expected_host for n in names):
        return MailFromMxJudgment(mail_from, expected, JudgmentStatus.OK, found)
    regions = [n.split(".")[1] for n in names
               if n.startswith("feedback-smtp.") and n.endswith(".amazonses.com") and n.count(".") == 3]
    if expected_host not in names and regions:
        message = (f"the MX points at SES in {', '.join(sorted(set(regions)))}, but the stack sends from "
                   f"{region}: SES needs {expected}")
    elif expected_host in names:
        message = f"besides {expected}, the name has other MX records ({', '.join(found)}): bounces may go there"
    else:
        message = f"the MX points elsewhere ({', '.join(found)}): SES needs {expected}"
    return MailFromMxJudgment(mail_from, expected, JudgmentStatus.PROBLEM, found, message)


_BIMI_DMARC_WORDS = ("DMARC", "pct tag")
"""checkdmarc's BIMI parser words a DMARC policy BIMI cannot use as a warning; it is a problem here."""
_NOT_FETCHED_WORDS = ("Failed to download", "without a valid mark certificate")
"""What the parser says about a logo or certificate it was not allowed to fetch."""


class _NotFetched(requests.RequestException):
    pass


class _SessionThatFetchesNothing:
    """Stands in for ``requests.Session`` in checkdmarc's BIMI parser when the logo and certificate
    must not be downloaded: its ``get`` fails as a refused download would, and the parser goes on."""

    def __init__(self) -> None:
        self.headers: dict = {}

    def get(self, url, **_kwargs):
        raise _NotFetched(f"not fetched: {url}")


class _RequestsWithoutDownloads:
    """The part of the ``requests`` module checkdmarc.bimi uses, with sessions that fetch nothing."""

    RequestException = requests.RequestException
    Session = _SessionThatFetchesNothing


@contextlib.contextmanager
def _bimi_downloads(allowed: bool):
    """checkdmarc's BIMI parser always downloads the logo and certificate; unless ``allowed``, its
    ``requests`` is swapped for sessions that fetch nothing while the run holds ``_RUN_LOCK`` (the
    only user of checkdmarc in the process), and put back after."""
    if allowed:
        yield
        return
    real = cd_bimi.requests
    cd_bimi.requests = _RequestsWithoutDownloads
    try:
        yield
    finally:
        cd_bimi.requests = real


def _judge_bimi(domain: str, selector: str, dmarc_tags: dict | None, resolver, *, fetch: bool,
                deadline: float) -> BimiJudgment:
    name = f"{selector}._bimi.{domain}"
    # Asked first, directly: without a record there checkdmarc falls back to the organizational
    # domain's, which is not this stack's record.
    try:
        cd_utils.query_dns(name, "TXT", resolver=resolver, retries=0)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return BimiJudgment(name, JudgmentStatus.PROBLEM, error=f"no BIMI record (TXT) at {name}")
    except dns.exception.DNSException as exc:
        return BimiJudgment(name, JudgmentStatus.COULD_NOT_CHECK, error=f"could not look up {name}: {_lookup_failure(exc)}")
    try:
        query = cd_bimi.query_bimi_record(domain, selector=selector, resolver=resolver, retries=0)
    except cd_bimi.BIMIError as exc:
        status = JudgmentStatus.COULD_NOT_CHECK if _unreachable(exc) else JudgmentStatus.PROBLEM
        return BimiJudgment(name, status, error=str(exc))
    record = query["record"]
    dmarc = {"valid": True, "tags": dmarc_tags} if dmarc_tags is not None else {"valid": False}
    try:
        parsed = cd_bimi.parse_bimi_record(record, domain=domain, parsed_dmarc_record=dmarc,
                                           http_timeout=max(0.1, min(10.0, deadline - time.monotonic())))
    except cd_bimi.BIMIError as exc:
        return BimiJudgment(name, JudgmentStatus.PROBLEM, record, error=str(exc), warnings=tuple(query["warnings"]))
    tags = tuple((tag, ",".join(v["value"]) if isinstance(v["value"], list) else str(v["value"]))
                 for tag, v in parsed["tags"].items())
    warnings = list(query["warnings"]) + list(parsed["warnings"])
    if not fetch:
        warnings = [w for w in warnings if not any(words in w for words in _NOT_FETCHED_WORDS)]
    problems = [w for w in warnings if any(words in w for words in _BIMI_DMARC_WORDS)]
    if dmarc_tags is not None and dmarc_tags.get("t", {}).get("value") == "y":
        problems.append("the DMARC record has t=y (testing): receivers do not apply the policy, so BIMI is not shown")
    if fetch:
        problems += _fetched_problems(parsed)
    warnings = [w for w in warnings if w not in problems]
    status = JudgmentStatus.PROBLEM if problems else JudgmentStatus.OK
    return BimiJudgment(name, status, record, tags, fetch, "; ".join(problems), tuple(warnings))


def _fetched_problems(parsed: dict) -> list[str]:
    """What the downloaded logo and certificate fail (SVG Tiny PS rules, the certificate's validity)."""
    problems = []
    image, certificate = parsed.get("image") or {}, parsed.get("certificate") or {}
    for what, found in (("logo", image), ("certificate", certificate)):
        if "error" in found:
            problems.append(found["error"])
        problems += [f"{what}: {e}" for e in found.get("validation_errors") or ()]
    if certificate and "error" not in certificate and certificate.get("valid") is False and \
            not certificate.get("validation_errors"):
        problems.append("certificate: not a valid mark certificate")
    return problems


def _judge_domain(target: EmailAuthTarget, resolver, health: _RunHealth, servers: int,
                  fetch_bimi: bool = False) -> EmailAuthJudgment:
    domain = target.domain.rstrip(".").lower()
    spf = []
    mx = None
    if target.mail_from_domain:
        mail_from = target.mail_from_domain.rstrip(".").lower()
        spf.append(_judge_spf(mail_from, required=True, resolver=resolver))
        mx = _judge_mail_from_mx(mail_from, target.ses_region, resolver)
    try:
        apex_has_txt = _has_txt(domain, resolver)
    except dns.exception.DNSException as exc:
        spf.append(SpfJudgment(domain, False, JudgmentStatus.COULD_NOT_CHECK,
                               error=f"could not look up the TXT records: {_lookup_failure(exc)}"))
    else:
        if apex_has_txt:
            spf.append(_judge_spf(domain, required=False, resolver=resolver))
    dmarc, dmarc_tags = _judge_dmarc(domain, resolver) if target.dmarc else (None, None)
    bimi = None
    if target.bimi_selector:
        bimi = _judge_bimi(domain, target.bimi_selector, dmarc_tags, resolver, fetch=fetch_bimi,
                           deadline=health.deadline)
    error = ""
    if servers and len(health.dead_servers()) >= servers:
        error = f"no nameserver answered ({', '.join(health.dead_servers())})"
        spf = [s if s.status is JudgmentStatus.OK else
               SpfJudgment(s.name, s.required, JudgmentStatus.COULD_NOT_CHECK, s.record, s.dns_lookups,
                           s.error, s.warnings) for s in spf]
        if dmarc is not None and dmarc.status is JudgmentStatus.PROBLEM:
            dmarc = DmarcJudgment(dmarc.name, JudgmentStatus.COULD_NOT_CHECK, dmarc.record, dmarc.tags,
                                  dmarc.report_destinations, dmarc.error, dmarc.warnings)
        if bimi is not None and bimi.status is JudgmentStatus.PROBLEM:
            bimi = BimiJudgment(bimi.name, JudgmentStatus.COULD_NOT_CHECK, bimi.record, bimi.tags, bimi.fetched,
                                bimi.error, bimi.warnings)
    return EmailAuthJudgment(domain, tuple(spf), dmarc, mx, error, bimi)


def judge_email_auth(
    targets: Iterable[EmailAuthTarget],
    settings: ResolverSettings = ResolverSettings(),
    *,
    max_workers: int = DEFAULT_WORKERS,
) -> tuple[EmailAuthJudgment, ...]:
    """Judge every domain's SPF, DMARC, MAIL FROM MX and BIMI, domains concurrently; results in order.

    Never raises for DNS trouble (unreachable servers make parts "could not check"); raises
    :class:`NameserverSetupError` when a given nameserver is malformed or unresolvable.
    """
    targets = list(targets)
    endpoints = _server_endpoints(settings.nameservers)
    if not targets:
        return ()
    health = _RunHealth(time.monotonic() + settings.deadline_s)
    resolver = _make_resolver(settings, endpoints, health)
    with _RUN_LOCK, _bimi_downloads(settings.fetch_bimi):
        cd_utils.DNS_CACHE.clear()
        workers = max(1, min(max_workers, len(targets)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="email-auth") as pool:
            futures = [pool.submit(_judge_domain, t, resolver, health, len(endpoints), settings.fetch_bimi)
                       for t in targets]
            results = []
            for target, future in zip(targets, futures):
                try:
                    results.append(future.result())
                except Exception as exc:  # one domain's surprise must not sink the others
                    results.append(EmailAuthJudgment(target.domain, (), None, None,
                                                     error=f"judgment failed: {type(exc).__name__}: {exc}"))
        cd_utils.DNS_CACHE.clear()
    return tuple(results)
