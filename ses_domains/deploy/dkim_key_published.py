"""The step before a BYODKIM identity is created or switched: its selectors' TXT records on every
authoritative nameserver.

SES looks for a BYODKIM record when the identity is created or its key changes, and then backs
off between looks; and while a new key is pending SES may send unsigned (SES guide, BYODKIM). A
record already served everywhere is found at SES's first look. So the identity depends on this
resource, which depends on the records: ``pulumi up`` publishes the TXT records, waits here until
every nameserver serves them (the DNS half of the verification engine), and only then gives SES
the key. On a rotation the new selector's record is added, waited for, and only then does the
identity's key change.

One resource per BYODKIM domain (a DNS wait of seconds; the dynamic provider host runs four at
once). The provider is pickled by reference into state: this module's path and
``DkimKeyPublishedProvider``'s name must never change. It holds no data and no client.
"""

from __future__ import annotations

import time
from typing import Any, Mapping, Optional, Sequence

import pulumi
import pulumi.dynamic

from ses_domains.records.model import DnsRecord

CHECKED = ("records", "nameservers")
"""The props whose change means waiting again (not the timeout)."""


class KeyNotPublished(Exception):
    """Raised from create/update: Pulumi shows the message on the resource and the identity waits."""


def records_props(records: Sequence[DnsRecord]) -> list[dict]:
    return [{"name": r.name, "type": r.type, "values": list(r.values), "ttl": r.ttl} for r in records]


def _records(props: Mapping[str, Any]) -> tuple[DnsRecord, ...]:
    return tuple(DnsRecord(r["name"], r["type"], tuple(r["values"]), int(r["ttl"])) for r in props["records"])


def wait_published(props: Mapping[str, Any]) -> dict:
    """Waits until every record is on every nameserver, within ``timeoutSeconds``; the outputs to
    store, or ``KeyNotPublished`` naming each record and server at fault."""
    import asyncio

    from ses_domains.engine.dns.wait import DomainTarget, wait_for_records

    domain = props["domain"]
    target = DomainTarget(domain, _records(props), tuple(props["nameservers"]))
    print(f"ses-domains verify: {domain}: waiting for the DKIM key record(s) on "
          f"{len(target.nameservers)} nameservers before SES is given the key", flush=True)
    report = asyncio.run(wait_for_records([target], deadline_s=float(props["timeoutSeconds"])))
    if not report.ready:
        raise KeyNotPublished(f"{domain}: the DKIM key is not given to SES until its record is on every "
                              f"nameserver.\n{report.describe()}")
    print(f"ses-domains verify: {domain}: DKIM key record(s) on every nameserver after {report.elapsed_s:.1f}s",
          flush=True)
    return {"publishedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "dnsSeconds": round(report.elapsed_s, 3)}


class DkimKeyPublishedProvider(pulumi.dynamic.ResourceProvider):
    serialize_as_secret_always = False
    """Nothing secret is captured: public keys only."""

    def diff(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.DiffResult:
        changed = any(olds.get(key) != news.get(key) for key in CHECKED) or not olds.get("publishedAt")
        return pulumi.dynamic.DiffResult(changes=changed, replaces=[], stables=[], delete_before_replace=False)

    def create(self, props: dict) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(id_=f"dkim-key-published-{props['domain']}",
                                           outs={**props, **wait_published(props)})

    def update(self, _id: str, _olds: dict, news: dict) -> pulumi.dynamic.UpdateResult:
        return pulumi.dynamic.UpdateResult(outs={**news, **wait_published(news)})

    def delete(self, _id: str, _props: dict) -> None:
        """Nothing to undo: the step only looked."""


class DkimKeyPublished(pulumi.dynamic.Resource, module="ses-domains", name="DkimKeyPublished"):
    """Done once the domain's BYODKIM TXT records are on every nameserver; an identity that
    depends on it is given its key only then."""

    published_at: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        domain: str,
        records: Sequence[DnsRecord],
        nameservers: Sequence[str],
        timeout_s: float,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__(
            DkimKeyPublishedProvider(),
            name,
            {
                "domain": domain,
                "records": records.apply(records_props) if isinstance(records, pulumi.Output) else records_props(records),
                "nameservers": nameservers if isinstance(nameservers, pulumi.Output) else list(nameservers),
                "timeoutSeconds": timeout_s,
                "publishedAt": None,
                "dnsSeconds": None,
            },
            opts,
        )
