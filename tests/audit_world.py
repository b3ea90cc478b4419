"""The DNS world of the audit and email-auth tests (no tests here): a Knot primary and secondary
serving one zone per scenario, an ``amazonses.com`` zone with SES's SPF (so ``include:amazonses.com``
resolves offline) and a report-destination zone ``reports.test``.

Each scenario is its own zone ``<scenario>.test`` (distinct organizational domains, so a
``rua`` to ``reports.test`` is external). The stack's SES region is ``us-east-1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ses_domains.engine.audit import AuditTarget
from ses_domains.records.dkim import EasyDkim
from ses_domains.records.mail_from import mail_from_mx, mail_from_spf
from ses_domains.records.ses import ses_spf
from ses_domains.records.model import DnsRecord
from tests.dns_servers import KnotServer, start_primary_and_secondary, zone_lines, zone_text

REGION = "us-east-1"
REPORTS = "reports.test"
AMAZON_SPF = ("v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 "
              "ip4:69.169.224.0/20 ip4:23.249.208.0/20 ip4:23.251.224.0/19 -all")


def expected_records(domain: str) -> tuple[DnsRecord, ...]:
    """What the stack expects for a domain: 3 DKIM CNAMEs, MAIL FROM MX + SPF, DMARC (rua external)."""
    label = domain.split(".")[0].replace("-", "")
    dkim = tuple(EasyDkim(REGION).record(domain, f"tok{i}{label}", 60) for i in range(3))
    mail_from = f"mail.{domain}"
    return dkim + (
        mail_from_mx(mail_from, REGION, 60),
        mail_from_spf(mail_from, 60),
        DnsRecord(f"_dmarc.{domain}", "TXT", (f"v=DMARC1; p=none; rua=mailto:dmarc@{REPORTS}",), 60),
    )


def _lines(records) -> str:
    return "".join(line + "\n" for r in records for line in zone_lines(r))


def _txt(name: str, *values: str) -> str:
    return "".join(f'{name}. 60 IN TXT "{v}"\n' for v in values)


def _replace(records: tuple[DnsRecord, ...], name: str, rdtype: str, *values: str) -> list[DnsRecord]:
    """The records with (name, type) served with other values (none: left out)."""
    out = [r for r in records if not (r.name == name and r.type == rdtype)]
    if values:
        out.append(DnsRecord(name, rdtype, values, 60))
    return out


def scenario_bodies() -> dict[str, str]:
    """Zone name -> zone body (what the servers serve)."""
    zones: dict[str, str] = {}

    def served(domain: str, records) -> None:
        zones[domain] = _lines(records)

    authorize: list[str] = []

    for domain in ("healthy.test", "stale.test"):
        served(domain, expected_records(domain))
        authorize.append(domain)
    # the apex of the healthy domain has an SPF of its own among other owners' TXT values
    zones["healthy.test"] += _txt("healthy.test", "site-verification=abc123", "v=spf1 include:amazonses.com -all")

    domain = "dkim.test"  # token 0 points elsewhere, token 1 absent, token 2 right
    records = expected_records(domain)
    served(domain, _replace(_replace(records, records[0].name, "CNAME", "someone-else.example.net"),
                            records[1].name, "CNAME"))
    authorize.append(domain)

    domain = "region.test"  # the MAIL FROM MX points at SES in another region
    records = expected_records(domain)
    served(domain, _replace(records, f"mail.{domain}", "MX", "10 feedback-smtp.eu-west-1.amazonses.com"))
    authorize.append(domain)

    domain = "twospf.test"  # a second v=spf1 beside SES's at the MAIL FROM name
    records = expected_records(domain)
    served(domain, _replace(records, f"mail.{domain}", "TXT", ses_spf(), "v=spf1 include:_spf.twospf.test ~all"))
    zones[domain] += _txt(f"_spf.{domain}", "v=spf1 ip4:192.0.2.1 -all")
    authorize.append(domain)

    domain = "eleven.test"  # SES's include plus 10 more: 11 DNS lookups
    records = expected_records(domain)
    includes = " ".join(f"include:s{i}.{domain}" for i in range(10))
    served(domain, _replace(records, f"mail.{domain}", "TXT", f"v=spf1 include:amazonses.com {includes} ~all"))
    zones[domain] += "".join(_txt(f"s{i}.{domain}", f"v=spf1 ip4:192.0.2.{i + 1} -all") for i in range(10))
    authorize.append(domain)

    domain = "unauth.test"  # rua to reports.test, which has not authorized it
    served(domain, expected_records(domain))

    domain = "alias.test"  # _dmarc is a CNAME: no TXT may live there
    records = expected_records(domain)
    served(domain, _replace(records, f"_dmarc.{domain}", "TXT")
           + [DnsRecord(f"_dmarc.{domain}", "CNAME", (f"_dmarc.{REPORTS}",), 60)])
    authorize.append(domain)

    zones["amazonses.com"] = _txt("amazonses.com", AMAZON_SPF)
    zones[REPORTS] = (f"{REPORTS}. 60 IN MX 10 mx.{REPORTS}.\nmx.{REPORTS}. 60 IN A 192.0.2.25\n"
                      + "".join(_txt(f"{d}._report._dmarc.{REPORTS}", "v=DMARC1") for d in authorize))
    return zones


@dataclass
class World:
    primary: KnotServer
    secondary: KnotServer

    @property
    def nameservers(self) -> tuple[str, str]:
        return (self.primary.endpoint, self.secondary.endpoint)

    def target(self, domain: str, nameservers: tuple[str, ...] | None = None) -> AuditTarget:
        return AuditTarget(domain, expected_records(domain), nameservers or self.nameservers, REGION)

    def stop(self) -> None:
        self.secondary.stop()
        self.primary.stop()


def start_world(workdir: Path, primary_address: str, secondary_address: str) -> World:
    zones = {name: zone_text(name, body) for name, body in scenario_bodies().items()}
    primary, secondary = start_primary_and_secondary(workdir, zones, primary_address=primary_address,
                                                     secondary_address=secondary_address)
    return World(primary, secondary)
