"""The world ``bench.check_command`` runs ``ses-domains check`` in: a stack of N domains in one zone,
declared as a user would, and what serves it, all on loopback.

- The project: ``Pulumi.yaml`` and ``Pulumi.bench.yaml`` declaring N domains ``dNNNNN.check.test``
  in zone ``check.test`` (Easy DKIM, MAIL FROM ``bounce``, DMARC ``p=none`` with ``rua`` to the
  domain itself).
- DNS: four Knot servers serving ``check.test`` with every record the stack declares (computed by
  the record model from the DKIM tokens the SES stand-in returns) and the parts of
  ``amazonses.com`` the judgment looks up (its SPF, the MAIL FROM MX hosts), each behind a
  forwarder that delays every answer by ``delay_s`` as if the servers were that far away.
- SES: the command tests' SESv2 stand-in (``tests.cli_aws``), answering ``GetEmailIdentity`` for
  every domain as verified (DKIM and MAIL FROM ``SUCCESS``), throttling past ``ses_rate_per_s``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bench._knot import start_knot_servers
from ses_domains.config.stack import read_stack_config
from ses_domains.records.plan import domain_records
from tests.cli_aws import SesStandIn, aws_environment
from tests.cli_dns import REGION, amazonses_zone
from tests.cli_fixtures import write_stack
from tests.dns_servers import DelayingForwarder, KnotServer, zone_text
from tests.fake_ses import SesState, tokens_for

ZONE = "check.test"
STACK = "bench"
MAIL_FROM = "bounce"
KNOT_ADDRESSES = ("127.0.0.41", "127.0.0.42", "127.0.0.43", "127.0.0.44")
FORWARDER_ADDRESSES = ("127.0.0.45", "127.0.0.46", "127.0.0.47", "127.0.0.48")


def stack_domains(count: int) -> list[str]:
    return [f"d{i:05d}.{ZONE}" for i in range(count)]


def stack_config(count: int) -> dict:
    """``Pulumi.bench.yaml``'s config: N domains in one zone, each with MAIL FROM and DMARC reports."""
    return {
        "aws:region": REGION,
        "ses-domains:domains": [
            {"domain": domain, "zone": ZONE, "mailFrom": MAIL_FROM,
             "dmarc": {"policy": "none", "rua": [f"dmarc@{domain}"]}}
            for domain in stack_domains(count)
        ],
    }


def zone_body(config: dict) -> str:
    """Every record the stack declares, as zone-file lines, with the stand-in's DKIM tokens."""
    spec = read_stack_config(lambda k: config.get(f"ses-domains:{k}"), lambda k: config.get(f"aws:{k}"))
    return "".join(line + "\n" for domain in spec.domains
                   for record in domain_records(domain, spec.region, tokens_for(domain.domain))
                   for line in record.zone_file_lines())


@dataclass
class CheckWorld:
    project: Path
    ses: SesStandIn
    servers: list[KnotServer]
    forwarders: list[DelayingForwarder] = field(default_factory=list)

    @property
    def nameservers(self) -> list[str]:
        """The servers as the command sees them (each 20 ms away)."""
        return [f.endpoint for f in self.forwarders]

    def environment(self) -> dict[str, str]:
        """What the command's environment must hold: credentials and loopback endpoints only."""
        return aws_environment(self.ses.url)

    def queries_received(self) -> int:
        return sum(f.received for f in self.forwarders)

    def stop(self) -> None:
        for forwarder in self.forwarders:
            forwarder.close()
        for server in self.servers:
            server.stop()
        self.ses.close()


def start_world(workdir: Path, count: int, *, delay_s: float = 0.020,
                ses_rate_per_s: float | None = None) -> CheckWorld:
    """The project written in ``workdir / "project"``, the servers started and the stand-in
    scripted; ``stop()`` it when done (everything is stopped again if starting fails)."""
    config = stack_config(count)
    project = workdir / "project"
    project.mkdir(parents=True, exist_ok=True)
    write_stack(project, STACK, config)
    zones = {ZONE: zone_text(ZONE, zone_body(config)), "amazonses.com": amazonses_zone()}
    servers = start_knot_servers(workdir / "knot", KNOT_ADDRESSES, zones)
    world = CheckWorld(project, SesStandIn(), servers)
    try:
        for server, address in zip(servers, FORWARDER_ADDRESSES):
            world.forwarders.append(DelayingForwarder((server.address, server.port), address, delay_s))
        for domain in stack_domains(count):
            world.ses.script(domain, SesState(dkim="SUCCESS", mail_from="SUCCESS"),
                             mail_from_domain=f"{MAIL_FROM}.{domain}")
        if ses_rate_per_s:
            world.ses.limit_rate(ses_rate_per_s)
    except BaseException:
        world.stop()
        raise
    return world
