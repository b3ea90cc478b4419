"""A small DNS world on Knot for the command's tests: one healthy sending domain and one domain per
fault the command must report, served by a primary and a secondary (which can be held stale),
plus the parts of amazonses.com the SPF judgment looks up, so everything runs offline.

Each domain is its own zone. Its records are the ones the stack computes (``records.plan``, with
the DKIM tokens of ``tests.fake_ses.tokens_for``), then broken as the domain's name says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ses_domains.config.stack import read_stack_config
from ses_domains.records.plan import domain_records
from tests.dkim_test_keys import private_pem
from tests.dns_servers import KnotServer, start_primary_and_secondary, wait_in_sync, zone_text
from tests.fake_ses import tokens_for

REGION = "eu-west-1"
HEALTHY = "good.test"
WRONG_DKIM = "dkim.test"  # one DKIM CNAME points elsewhere, another is missing
MX_REGION = "mxregion.test"  # the MAIL FROM MX names SES in us-east-1
TWO_SPF = "twospf.test"  # the MAIL FROM name holds two v=spf1 records
SPF_LOOKUPS = "spflookups.test"  # the apex SPF needs 11 DNS lookups
FOREIGN_RUA = "rua.test"  # DMARC reports go to reports.test, which does not authorize them
STALE = "stale.test"  # the secondary still serves the old DKIM target
BYODKIM = "byodkim.test"  # healthy, with a key of its own (BYODKIM): a TXT record at its selector
BYODKIM_SELECTOR = "s2026a"
BIMI = "bimi.test"  # healthy, with DMARC at reject and a BIMI record (logo and certificate never fetched)
BIMI_LOGO = "https://brand.example.com/bimi/logo.svg"
BIMI_CERTIFICATE = "https://brand.example.com/bimi/vmc.pem"
BULK = "bulk.test"  # healthy with every option bulk senders need: MAIL FROM, DMARC at reject (adkim s), BIMI,
# a default configuration set that requires TLS, a contact list with topics
BULK_SET = "bulk-mail"
REPORTS = "reports.test"
LOOKUPS = "lookups.test"
SENDING_DOMAINS = (HEALTHY, WRONG_DKIM, MX_REGION, TWO_SPF, SPF_LOOKUPS, FOREIGN_RUA, STALE)
SERVED_DOMAINS = (*SENDING_DOMAINS, BYODKIM, BIMI)


def domain_entry(domain: str) -> dict:
    rua = f"dmarc@{REPORTS}" if domain == FOREIGN_RUA else f"dmarc@{domain}"
    entry = {"domain": domain, "mailFrom": "bounce", "ttl": 300, "dmarc": {"policy": "none", "rua": [rua]}}
    if domain == BIMI:
        entry["dmarc"] = {"policy": "reject", "rua": [rua]}
        entry["bimi"] = {"logo": BIMI_LOGO, "certificate": BIMI_CERTIFICATE}
    if domain == BYODKIM:
        entry["dkim"] = {"selector": BYODKIM_SELECTOR, "privateKey": private_pem(2048, name=BYODKIM)}
    if domain == BULK:
        entry.update({
            "mailFromOnMxFailure": "REJECT_MESSAGE", "configurationSet": BULK_SET, "feedbackForwarding": True,
            "dkim": {"keyLength": "RSA_2048_BIT"},
            "dmarc": {"policy": "reject", "subdomainPolicy": "quarantine", "nonexistentPolicy": "reject",
                      "adkim": "s", "aspf": "r", "failureOptions": "1", "rua": [rua], "ruf": [rua]},
            "bimi": {"logo": BIMI_LOGO, "certificate": BIMI_CERTIFICATE},
        })
    return entry


def stack_config(domains=SENDING_DOMAINS, *, tls_policy: str = "REQUIRE") -> dict:
    config = {"aws:region": REGION, "ses-domains:domains": [domain_entry(d) for d in domains]}
    if BULK in domains:
        config["ses-domains:configurationSets"] = [{"name": BULK_SET, "tlsPolicy": tls_policy,
                                                    "reputationMetrics": True}]
        config["ses-domains:contactLists"] = [{"name": "newsletter", "topics": [
            {"name": "product-updates", "displayName": "Product updates", "defaultSubscription": "OPT_IN"}]}]
    return config


def _expected_lines(domain: str) -> list[str]:
    config = stack_config((domain,))
    spec = read_stack_config(lambda k: config.get(f"ses-domains:{k}"), lambda k: config.get(f"aws:{k}"))
    return [line for record in domain_records(spec.domains[0], REGION, tokens_for(domain))
            for line in record.zone_file_lines()]


def _broken(domain: str, lines: list[str]) -> list[str]:
    first, second = tokens_for(domain)[:2]
    if domain == WRONG_DKIM:
        lines = [line.replace(f"IN CNAME {first}.dkim", f"IN CNAME other{first}.dkim") for line in lines]
        lines = [line for line in lines if not line.startswith(f"{second}._domainkey")]
    elif domain == MX_REGION:
        lines = [line.replace("feedback-smtp.eu-west-1", "feedback-smtp.us-east-1") for line in lines]
    elif domain == TWO_SPF:
        lines.append(f'bounce.{domain}. 300 IN TXT "v=spf1 ip4:192.0.2.1 -all"')
    elif domain == SPF_LOOKUPS:
        includes = " ".join(f"include:i{n}.{LOOKUPS}" for n in range(1, 12))
        lines.append(f'{domain}. 300 IN TXT "v=spf1 {includes} ~all"')
    elif domain == STALE:
        lines = [line.replace(f"IN CNAME {first}.dkim", f"IN CNAME old{first}.dkim") for line in lines]
    return lines




def amazonses_zone() -> str:
    """The parts of amazonses.com the SPF include and the MAIL FROM MX judgment look up."""
    return zone_text("amazonses.com", (
        'amazonses.com. 300 IN TXT "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 -all"\n'
        "feedback-smtp.eu-west-1.amazonses.com. 300 IN A 192.0.2.10\n"
        "feedback-smtp.us-east-1.amazonses.com. 300 IN A 192.0.2.11\n"))


def _zones(domains) -> dict[str, str]:
    zones = {d: zone_text(d, "\n".join(_broken(d, _expected_lines(d))) + "\n") for d in domains}
    zones["amazonses.com"] = amazonses_zone()
    zones[REPORTS] = zone_text(REPORTS, f"{REPORTS}. 300 IN MX 10 mx.{REPORTS}.\nmx.{REPORTS}. 300 IN A 192.0.2.20\n")
    zones[LOOKUPS] = zone_text(LOOKUPS, "".join(f'i{n}.{LOOKUPS}. 300 IN TXT "v=spf1 ip4:192.0.2.{n} -all"\n'
                                                for n in range(1, 12)))
    return zones


@dataclass
class DnsWorld:
    primary: KnotServer
    secondary: KnotServer

    @property
    def nameserver_options(self) -> list[str]:
        return ["--nameserver", self.primary.endpoint, "--nameserver", self.secondary.endpoint]

    def stop(self) -> None:
        self.secondary.stop()
        self.primary.stop()


def start_world(workdir: Path, *, primary_address: str, secondary_address: str, domains=SERVED_DOMAINS) -> DnsWorld:
    """Both servers serving every zone; the secondary then holds ``stale.test`` while the primary
    gets its right DKIM target."""
    primary, secondary = start_primary_and_secondary(
        workdir, _zones(domains), primary_address=primary_address, secondary_address=secondary_address)
    for zone in [*domains, "amazonses.com", REPORTS, LOOKUPS]:
        secondary.wait_serving(zone)
        wait_in_sync(primary, secondary, zone)
    if STALE in domains:
        secondary.freeze(STALE)
        token = tokens_for(STALE)[0]
        primary.update(STALE, replace=[(f"{token}._domainkey.{STALE}.", 300, "CNAME", f"{token}.dkim.amazonses.com.")])
    return DnsWorld(primary, secondary)
