"""Every DNS record one sending domain needs, computed from its spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Protocol, Sequence, Union

from ses_domains.records.dkim import Byodkim, EasyDkim
from ses_domains.records.dmarc import DmarcPolicy, dmarc_record
from ses_domains.records.mail_from import mail_from_mx, mail_from_spf
from ses_domains.records.model import DnsRecord

if TYPE_CHECKING:
    from ses_domains.records.bimi import BimiAssertion


class OwnDkimKey(Protocol):
    """A BYODKIM key the user gives (``config.dkim.ByodkimSpec`` is one)."""

    def strategy(self) -> Byodkim: ...


class DomainRecordsSpec(Protocol):
    """What a domain's records are computed from (``config.domains.DomainSpec`` is one): the record
    model names only what it reads, so it never imports the config layer."""

    @property
    def domain(self) -> str: ...
    @property
    def ttl(self) -> int: ...
    @property
    def mail_from(self) -> Optional[str]: ...
    @property
    def dmarc(self) -> Optional[DmarcPolicy]: ...
    @property
    def dkim_key_length(self) -> str: ...
    @property
    def byodkim(self) -> Optional[OwnDkimKey]: ...
    @property
    def bimi(self) -> Optional[BimiAssertion]: ...


def dkim_strategy(spec: DomainRecordsSpec, region: str) -> Union[EasyDkim, Byodkim]:
    """The user's own key when the config gives one (BYODKIM), else Easy DKIM in ``region``."""
    if spec.byodkim is not None:
        return spec.byodkim.strategy()
    return EasyDkim(region=region, key_length=spec.dkim_key_length)


def static_records(spec: DomainRecordsSpec, region: str) -> dict[str, DnsRecord]:
    """The records known before SES answers (MAIL FROM MX and SPF, DMARC and BIMI), keyed by role:
    ``mail-from-mx``, ``mail-from-spf``, ``dmarc``, ``bimi``."""
    records = {}
    if spec.mail_from:
        records["mail-from-mx"] = mail_from_mx(spec.mail_from, region, spec.ttl)
        records["mail-from-spf"] = mail_from_spf(spec.mail_from, spec.ttl)
    if spec.dmarc:
        records["dmarc"] = dmarc_record(spec.domain, spec.dmarc, spec.ttl)
    if spec.bimi:
        # Imported for a domain with a BIMI record only: few have one.
        from ses_domains.records.bimi import bimi_record

        records["bimi"] = bimi_record(spec.domain, spec.bimi, spec.ttl)
    return records


def domain_records(spec: DomainRecordsSpec, region: str, dkim_tokens: Sequence[str]) -> tuple[DnsRecord, ...]:
    """DKIM records first, then the static ones: the order the stack outputs list them in."""
    dkim = dkim_strategy(spec, region).records(spec.domain, dkim_tokens, spec.ttl)
    return dkim + tuple(static_records(spec, region).values())
