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

Every lookup checkdmarc makes is answered from the run's
:class:`~ses_domains.engine.dns.lookups.SharedLookups`: each (name, type) is asked once per run,
whichever domains need it (``include:amazonses.com`` once for 10,000 domains), through the
engine's transport when ``host[:port]`` nameservers are given (each server's adaptive RFC 6298
timeout, its window, and its breaker once it stops answering: a dead server costs one query's
timeouts per run), or to the system's resolvers without any. The whole judgment is bounded by a
deadline that grows with the number of domains.

checkdmarc is blocking, the event loop must not be: a domain is judged in passes on the loop's
thread. A pass runs checkdmarc against what the run knows; at the first question it does not
know, the pass stops (:class:`_LookupNeeded`), the answer is awaited, and the domain is judged
again from the start. The questions every domain needs are asked together before its first
pass, so most domains take one pass. No threads: the judgment never starves the record check
that shares the loop, and domains are judged ``concurrency`` at a time.

checkdmarc also keeps a process-wide answer cache keyed by name and type only (not by
nameserver): during a pass it is swapped for one that keeps nothing, so a judgment never sees
answers learned from other servers (the run's own are in its shared lookups).

What many domains share is computed once per run, and only what depends on nothing but its
inputs: an include's lookup and the parse of an included record without includes of its own,
and the syntax check of a record text (checkdmarc's grammar; the messages naming the domain,
the lookups and the report authorizations are made per domain). The apex SPF's own questions
are asked only once the apex is seen to hold TXT records. The first domain is judged alone,
so that what the others share (``amazonses.com``) is known before their first pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Sequence

import checkdmarc.bimi as cd_bimi
import checkdmarc.dmarc as cd_dmarc
import checkdmarc.spf as cd_spf
import checkdmarc.utils as cd_utils
import dns.exception
import dns.name
import dns.resolver
import requests

from ses_domains.engine.dns.lookups import LookupKind, SharedLookups
from ses_domains.engine.dns.nameservers import Nameserver, UnresolvedNameserver, resolve_each
from ses_domains.engine.dns.round_trip import RtoLimits
from ses_domains.engine.dns.transport import DnsTransport
from ses_domains.nameserver_address import NameserverSpecError, parse_nameserver

SPF_LOOKUP_LIMIT = 10
DEFAULT_CONCURRENCY = 256  # domains judged at once: their lookups are latency-bound
FIRST_DOMAIN_ALONE_S = 1.0  # how long the first domain is judged before the others start
MAX_PASSES = 64  # rounds of lookups one domain may need (an SPF tree has at most 10 lookups, each a few)



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


@dataclass(frozen=True)
class ResolverSettings:
    """Where and how long the judgment's lookups go. ``nameservers``: ``host[:port]`` strings;
    empty means the system's resolvers, asked with ``attempt_timeout_s`` per try and
    ``lifetime_s`` per lookup (a recursive resolver's time varies with its cache: no adaptation).

    Given nameservers are asked through the engine's transport: each with its own adaptive
    timeout (``rto``: the engine's RFC 6298 limits), ``retries`` retransmissions, and its breaker
    once it stops answering. ``deadline_s`` bounds the whole judgment (past it, what is left is
    "could not check"); None: :func:`judgment_deadline_s` of the number of domains."""

    nameservers: tuple[str, ...] = ()
    attempt_timeout_s: float = 0.5
    lifetime_s: float = 1.5
    deadline_s: float | None = None
    retries: int = 1
    rto: RtoLimits = RtoLimits()
    fetch_bimi: bool = False
    """Download each BIMI logo and certificate (HTTPS) and judge them too; off, only the record is judged."""


JUDGMENT_DEADLINE_S = 30.0
LOOKUPS_PER_DOMAIN = 12  # what checkdmarc asks for a domain of a stack, shared includes aside


def judgment_deadline_s(domains: int, rto: RtoLimits = RtoLimits(), window: int = 128) -> float:
    """30 s, plus every window of the domains' lookups answered at the slowest timeout allowed
    (the bound of check_once's record questions, for the judgment's): each lookup ends by itself
    (timeouts, a dead server's breaker), this only bounds a slow server that answers a lot."""
    return JUDGMENT_DEADLINE_S + domains * LOOKUPS_PER_DOMAIN / window * rto.max_s


async def _server_endpoints(nameservers: Sequence[str]) -> list[Nameserver]:
    """The given nameservers, host names resolved once, here."""
    specs = []
    for text in nameservers:
        try:
            specs.append(parse_nameserver(text))
        except NameserverSpecError as exc:
            raise NameserverSetupError(str(exc)) from exc
    resolved = await resolve_each(specs)
    servers = []
    for spec in specs:
        server = resolved[spec]
        if isinstance(server, UnresolvedNameserver):
            raise NameserverSetupError(f"cannot resolve nameserver {server.host}: {server.reason}")
        servers.append(server)
    return servers


class _LookupNeeded(BaseException):
    """Raised through checkdmarc when it asks what the run has not learned yet: the judgment of
    the domain is put aside until the answer is in, then run again from the start (checkdmarc
    is blocking; the event loop must not be). A BaseException, so that no ``except Exception``
    inside checkdmarc takes it for a DNS failure."""

    def __init__(self, name: str, rdtype: str) -> None:
        super().__init__(name, rdtype)
        self.name, self.rdtype = name, rdtype


class _RunResolver:
    """What checkdmarc calls ``resolver``: answers from the run's :class:`SharedLookups`, raising
    the exceptions dnspython's resolver raises."""

    lifetime = 0.0  # read by checkdmarc, never waited on: nothing here blocks

    def __init__(self, lookups: SharedLookups) -> None:
        self._lookups = lookups
        self.unreachable: dict[tuple[str, str], LookupOutcome] = {}  # this domain's gaps (not shared)

    def resolve(self, name, rdtype="A", *args, **kwargs):
        name, rdtype = str(name), str(rdtype).upper()
        outcome = self._lookups.peek(name, rdtype) or self.unreachable.get((name.rstrip(".").lower(), rdtype))
        if outcome is None:
            raise _LookupNeeded(name, rdtype)
        if outcome.kind is LookupKind.ANSWER:
            return list(outcome.rdatas)
        if outcome.kind is LookupKind.NXDOMAIN:
            raise dns.resolver.NXDOMAIN(qnames=[dns.name.from_text(name)])
        if outcome.kind is LookupKind.NO_ANSWER:
            raise dns.resolver.NoAnswer()
        if outcome.timed_out:  # as dnspython's resolver says it (checkdmarc reads its ``timeout``)
            raise dns.resolver.LifetimeTimeout(timeout=outcome.elapsed_s, errors=[])
        raise dns.resolver.NoNameservers(outcome.detail)


# ---------------------------------------------------------------- the checks


_UNREACHABLE = (dns.exception.Timeout, dns.resolver.NoNameservers, OSError)


def _lookup_failure(error: BaseException) -> str:
    """Why a lookup got no answer, as one plain phrase (not dnspython's "Server Do53:... answered ...")."""
    seen = set()
    cause: BaseException | None = error
    while isinstance(cause, BaseException) and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, dns.resolver.NoNameservers):  # raised by _RunResolver with the plain reasons
            return str(cause) if cause.args else "no nameserver answered"
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


def _unanswered_lookup(names: Iterable[str], resolver) -> str:
    """Why the first of these TXT lookups that got no answer got none ("" when each was answered,
    records or not)."""
    for name in names:
        try:
            cd_utils.query_dns(name, "TXT", resolver=resolver, retries=0)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            continue
        except dns.exception.DNSException as exc:
            return _lookup_failure(exc)
    return ""


def _report_destinations(domain: str, tags: dict, resolver) -> tuple[ReportDestination, ...]:
    destinations = []
    for tag in ("rua", "ruf"):
        for uri in tags.get(tag, {}).get("value") or ():
            if not isinstance(uri, dict) or uri.get("scheme") != "mailto":
                continue
            address = uri["address"]
            destination = address.rsplit("@", 1)[-1].lower()
            auth_name = f"{domain}._report._dmarc.{destination}"
            if destination == domain or cd_utils.get_base_domain(destination) == cd_utils.get_base_domain(domain):
                continue  # not external (RFC 9990 4): no authorization needed
            try:
                cd_dmarc.verify_dmarc_report_destination(domain, destination, resolver=resolver, retries=0)
            except cd_dmarc.UnverifiedDMARCURIDestination:
                gap = _unanswered_lookup((f"*._report._dmarc.{destination}", auth_name), resolver)
                if gap:  # checkdmarc takes a lookup that got no answer for a missing authorization
                    destinations.append(ReportDestination(
                        tag, address, destination, auth_name, JudgmentStatus.COULD_NOT_CHECK,
                        f"could not look up whether {destination} accepts reports about {domain}: {gap}"))
                    continue
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
    ``requests`` is swapped for sessions that fetch nothing for one synchronous pass (nothing
    else runs on this thread meanwhile), and put back after."""
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


def _judge_domain(target: EmailAuthTarget, resolver, fetch_bimi: bool = False,
                  deadline: float = float("inf")) -> EmailAuthJudgment:
    """One domain's judgment by checkdmarc, every lookup through ``resolver`` (dnspython's surface)."""
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
                           deadline=deadline)
    return EmailAuthJudgment(domain, tuple(spf), dmarc, mx, bimi=bimi)


def _unanswered(judgment: EmailAuthJudgment, dead: tuple[str, ...]) -> EmailAuthJudgment:
    """Every server stopped answering while the domain was judged: what looked like a problem
    may be an answer that never came, so it is "could not check", and the judgment says why."""
    spf = tuple(s if s.status is JudgmentStatus.OK else
                SpfJudgment(s.name, s.required, JudgmentStatus.COULD_NOT_CHECK, s.record, s.dns_lookups,
                            s.error, s.warnings) for s in judgment.spf)
    dmarc = judgment.dmarc
    if dmarc is not None and dmarc.status is JudgmentStatus.PROBLEM:
        dmarc = DmarcJudgment(dmarc.name, JudgmentStatus.COULD_NOT_CHECK, dmarc.record, dmarc.tags,
                              dmarc.report_destinations, dmarc.error, dmarc.warnings)
    bimi = judgment.bimi
    if bimi is not None and bimi.status is JudgmentStatus.PROBLEM:
        bimi = BimiJudgment(bimi.name, JudgmentStatus.COULD_NOT_CHECK, bimi.record, bimi.tags, bimi.fetched,
                            bimi.error, bimi.warnings)
    return EmailAuthJudgment(judgment.domain, spf, dmarc, judgment.mail_from_mx,
                             f"no nameserver answered ({', '.join(dead)})", bimi)


class _SharedIncludes:
    """The SPF records that many domains include (``include:amazonses.com``), looked up and
    parsed by checkdmarc once per run instead of once per domain.

    checkdmarc parses an include's record afresh for every record that includes it. Within a run
    every lookup has one answer (:class:`SharedLookups`), so the same call gives the same result;
    only calls that cannot depend on anything else are shared: the lookup of an include target's
    record, and the parse of an included record that holds no ``include``/``redirect`` of its own
    (a parse reads the caller's ``seen``/``recursion`` lists only for those). Results are copied
    out, as checkdmarc's caller rewrites a key of what it gets; failures are not shared."""

    def __init__(self) -> None:
        self._queries: dict = {}
        self._parses: dict = {}

    def query_spf_record(self, domain, **kwargs):
        key = (str(domain).lower(), kwargs.get("quoted_txt_segments"))
        found = self._queries.get(key)
        if found is None:
            found = self._queries[key] = _QUERY_SPF_RECORD(domain, **kwargs)
        return dict(found)

    def parse_spf_record(self, record, domain, **kwargs):
        lowered = str(record).lower()
        if not kwargs.get("_included") or "include" in lowered or "redirect" in lowered:
            return _PARSE_SPF_RECORD(record, domain, **kwargs)
        key = (record, str(domain).lower(), kwargs.get("ignore_too_many_lookups"), kwargs.get("parked"))
        found = self._parses.get(key)
        if found is None:
            found = self._parses[key] = _PARSE_SPF_RECORD(record, domain, **kwargs)
        return dict(found)

    @contextlib.contextmanager
    def installed(self):
        """checkdmarc's include handling calls these by their module names: for one synchronous
        pass (nothing else runs on this thread meanwhile), they are this run's."""
        cd_spf.query_spf_record, cd_spf.parse_spf_record = self.query_spf_record, self.parse_spf_record
        try:
            yield
        finally:
            cd_spf.query_spf_record, cd_spf.parse_spf_record = _QUERY_SPF_RECORD, _PARSE_SPF_RECORD


_QUERY_SPF_RECORD, _PARSE_SPF_RECORD = cd_spf.query_spf_record, cd_spf.parse_spf_record


GRAMMAR_RESULTS_KEPT = 4096  # distinct record texts per grammar; past it, the kept ones are dropped


class _GrammarResults:
    """Stands in for one of checkdmarc's pyleri grammar classes (which it instantiates for every
    record it parses): the syntax check of a record text, made once per distinct text.

    A grammar's result depends on the text alone, and checkdmarc only reads it (validity, error
    position, what was expected); everything that depends on the domain (the messages naming
    it, lookups, report authorizations) is done by checkdmarc after, per call. Many domains
    publish the same text (SES's MAIL FROM SPF): parsed once."""

    def __init__(self, grammar_class: type) -> None:
        self._grammar_class = grammar_class
        self._results: dict[str, object] = {}

    def __call__(self) -> "_GrammarResults":  # checkdmarc's ``_SPFGrammar()``
        return self

    def parse(self, text: str):
        result = self._results.get(text)
        if result is None:
            if len(self._results) >= GRAMMAR_RESULTS_KEPT:
                self._results.clear()
            parsed = self._grammar_class().parse(text)
            result = self._results[text] = _SyntaxResult(parsed.is_valid, parsed.pos, parsed.expecting)
        return result


class _SyntaxResult:
    """What checkdmarc reads of a grammar's result (not its parse tree: thousands of them are kept)."""

    __slots__ = ("is_valid", "pos", "expecting")

    def __init__(self, is_valid: bool, pos: int, expecting) -> None:
        self.is_valid, self.pos, self.expecting = is_valid, pos, expecting


_SPF_GRAMMAR, _DMARC_GRAMMAR = cd_spf._SPFGrammar, cd_dmarc._DMARCGrammar


class _SharedGrammarResults:
    """The run's syntax checks of SPF and DMARC texts (:class:`_GrammarResults`)."""

    def __init__(self) -> None:
        self._spf, self._dmarc = _GrammarResults(_SPF_GRAMMAR), _GrammarResults(_DMARC_GRAMMAR)

    @contextlib.contextmanager
    def installed(self):
        """For one synchronous pass (nothing else runs on this thread meanwhile), checkdmarc's
        grammar classes are this run's."""
        cd_spf._SPFGrammar, cd_dmarc._DMARCGrammar = self._spf, self._dmarc
        try:
            yield
        finally:
            cd_spf._SPFGrammar, cd_dmarc._DMARCGrammar = _SPF_GRAMMAR, _DMARC_GRAMMAR


class _NothingKept:
    """Stands in for checkdmarc's answer cache during a pass, and keeps nothing: that cache is
    process-wide and keyed by name and type only (not by nameserver), and every answer of the
    run is in its :class:`SharedLookups` already. Its bookkeeping (a lock and a clock read per
    look-up, a missed key raised and caught: some 5 microseconds each, ten look-ups a pass) was about a
    fifth of a pass."""

    def get(self, key, default=None):
        return default

    def __setitem__(self, key, value) -> None:
        pass

    def clear(self) -> None:
        pass


_NOTHING_KEPT = _NothingKept()


@contextlib.contextmanager
def _no_answer_cache():
    """For one synchronous pass (nothing else runs on this thread meanwhile), checkdmarc keeps no
    answers of its own; put back after."""
    real = cd_utils.DNS_CACHE
    cd_utils.DNS_CACHE = _NOTHING_KEPT
    try:
        yield
    finally:
        cd_utils.DNS_CACHE = real


def _first_questions(target: EmailAuthTarget) -> list[tuple[str, str]]:
    """What checkdmarc asks first for a domain, asked together before its first pass (the rest,
    e.g. an include's records, comes in later passes, most of it already learned from others)."""
    domain = target.domain.rstrip(".").lower()
    questions = [(domain, "TXT")]
    if target.mail_from_domain:
        mail_from = target.mail_from_domain.rstrip(".").lower()
        questions += [(mail_from, "SPF"), (mail_from, "TXT"), (mail_from, "CNAME"), (mail_from, "MX")]
    if target.dmarc:  # and the MX of the domain, where its reports usually go (rua=mailto:...@domain)
        questions += [(f"_dmarc.{domain}", "TXT"), (f"_dmarc.{domain}", "CNAME"), (domain, "MX")]
    if target.bimi_selector:
        questions += [(f"{target.bimi_selector}._bimi.{domain}", "TXT")]
    return questions


def _apex_questions(target: EmailAuthTarget, lookups: SharedLookups) -> list[tuple[str, str]]:
    """What the apex SPF's judgment asks, once the first questions showed the apex holds TXT
    records (it is judged only then: most apexes of a stack's domains hold none)."""
    domain = target.domain.rstrip(".").lower()
    apex_txt = lookups.peek(domain, "TXT")
    if apex_txt is None or apex_txt.kind is not LookupKind.ANSWER:
        return []
    return [(domain, "SPF"), (domain, "CNAME")]


async def _judge_one(target: EmailAuthTarget, lookups: SharedLookups, includes: _SharedIncludes,
                     grammars: _SharedGrammarResults, fetch_bimi: bool) -> EmailAuthJudgment:
    resolver = _RunResolver(lookups)
    await lookups.prefetch(_first_questions(target))
    await lookups.prefetch(_apex_questions(target, lookups))
    for _ in range(MAX_PASSES):
        try:
            with _no_answer_cache(), includes.installed(), grammars.installed(), _bimi_downloads(fetch_bimi):
                judgment = _judge_domain(target, resolver, fetch_bimi, lookups.deadline)
            if resolver.unreachable and lookups.servers:  # a gap: was every server dead meanwhile?
                dead = lookups.dead_servers()
                if len(dead) >= len(lookups.servers):
                    return _unanswered(judgment, dead)
            return judgment
        except _LookupNeeded as need:
            outcome = await lookups.get(need.name, need.rdtype)
            if outcome.kind is LookupKind.UNREACHABLE:
                resolver.unreachable[(need.name.rstrip(".").lower(), need.rdtype)] = outcome
        except Exception as exc:  # one domain's surprise must not sink the others
            return EmailAuthJudgment(target.domain, (), None, None,
                                     error=f"judgment failed: {type(exc).__name__}: {exc}")
    return EmailAuthJudgment(target.domain, (), None, None,
                             error=f"judgment failed: more than {MAX_PASSES} rounds of lookups")


async def judge_email_auth_async(
    targets: Iterable[EmailAuthTarget],
    settings: ResolverSettings = ResolverSettings(),
    *,
    transport: DnsTransport | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> tuple[EmailAuthJudgment, ...]:
    """Judge every domain's SPF, DMARC and MAIL FROM MX, ``concurrency`` domains at a time, on the
    running event loop; results in order. Lookups are shared by every domain of the run and go
    through ``transport`` (pass the record check's, so both share each server's window).

    Never raises for DNS trouble (unreachable servers make parts "could not check"); raises
    :class:`NameserverSetupError` when a given nameserver is malformed or unresolvable.
    """
    targets = list(targets)
    servers = await _server_endpoints(settings.nameservers)
    if not targets:
        return ()
    own = transport is None and bool(servers)
    if own:
        rto = settings.rto
        # A question is asked once, with ``retries`` retransmissions: no resends of a silent
        # server's probe (they serve a wait, which keeps asking until a server comes back).
        transport = DnsTransport(initial_rto_s=rto.initial_s, min_rto_s=rto.min_s, max_rto_s=rto.max_s,
                                 retries=settings.retries, resend_every_s=2 * rto.max_s)
    deadline_s = settings.deadline_s
    if deadline_s is None:
        deadline_s = judgment_deadline_s(len(targets), settings.rto,
                                         transport.max_in_flight_per_server if transport else 128)
    lookups = SharedLookups(servers, transport, time.monotonic() + deadline_s,
                            system_timeout_s=settings.attempt_timeout_s, system_lifetime_s=settings.lifetime_s)
    lookups.expect(question for target in targets for question in _first_questions(target))
    includes, grammars = _SharedIncludes(), _SharedGrammarResults()
    results: list[EmailAuthJudgment | None] = [None] * len(targets)
    waiting = iter(range(len(targets)))

    async def judge(index: int) -> None:
        results[index] = await _judge_one(targets[index], lookups, includes, grammars, settings.fetch_bimi)

    async def worker() -> None:
        for index in waiting:
            await judge(index)

    try:
        with transport.watching(lookups.learn) if transport is not None else contextlib.nullcontext():
            # The first domain alone for a moment: what the domains of a stack share
            # (``include:amazonses.com``) is then known to the others' first pass, instead of each
            # of the first ``concurrency`` domains being judged again once it is in. Not longer:
            # behind a slow or dead server the others start anyway.
            first = asyncio.ensure_future(judge(next(waiting)))
            try:
                await asyncio.wait({first}, timeout=FIRST_DOMAIN_ALONE_S)
                await asyncio.gather(first, *(worker() for _ in range(max(1, min(concurrency, len(targets) - 1)))))
            finally:
                first.cancel()  # (done by then, unless something failed)
    finally:
        if own:
            await transport.aclose()
    return tuple(results)  # type: ignore[arg-type]


def judge_email_auth(
    targets: Iterable[EmailAuthTarget],
    settings: ResolverSettings = ResolverSettings(),
    *,
    max_workers: int = DEFAULT_CONCURRENCY,
) -> tuple[EmailAuthJudgment, ...]:
    """Blocking :func:`judge_email_auth_async` (runs its own event loop)."""
    return asyncio.run(judge_email_auth_async(targets, settings, concurrency=max_workers))
