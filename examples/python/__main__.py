"""Two SES sending domains declared by a program of your own.

- ``mail.example.com`` in a hosted zone this program creates (its id is known only once the zone
  exists; the records go in all the same), with a custom MAIL FROM domain, DMARC and the
  ``transactional`` configuration set as its default;
- the apex of an existing zone (``existingZone`` config, default ``example.org``), looked up by
  name, with the records already there checked before anything is declared.

Both wait for verification together in one ``DomainVerification``. Set ``aws:region`` first.
"""

import pulumi
import pulumi_aws as aws

from ses_domains import (
    ConfigurationSet,
    ConfigurationSetArgs,
    DmarcArgs,
    DomainVerification,
    DomainVerificationArgs,
    EventDestinationArgs,
    SendingDomain,
    SendingDomainArgs,
    VerifyArgs,
)

config = pulumi.Config()

zone = aws.route53.Zone("example-com", name="example.com")
existing = aws.route53.get_zone(name=config.get("existingZone") or "example.org", private_zone=False)

transactional = ConfigurationSet("transactional", ConfigurationSetArgs(
    name="transactional",
    event_destinations=[EventDestinationArgs(name="bounces", events=["BOUNCE", "COMPLAINT"], sns={"topic": "ses-bounces"})],
))

mail = SendingDomain("mail.example.com", SendingDomainArgs(
    domain="mail.example.com",
    zone_id=zone.zone_id,
    mail_from="bounce",
    dmarc=DmarcArgs(policy="quarantine", rua=["mailto:dmarc-reports@example.com"]),
    configuration_set=transactional,
    verify=VerifyArgs(shared=True),
))
apex = SendingDomain(existing.name, SendingDomainArgs(
    domain=existing.name,
    zone_id=existing.zone_id,
    dmarc=DmarcArgs(policy="none", rua=[f"mailto:dmarc@{existing.name}"]),
    verify=VerifyArgs(shared=True, timeout="30m"),
))

verification = DomainVerification("verification", DomainVerificationArgs(domains=[mail, apex]))

pulumi.export("nameServers", zone.name_servers)
pulumi.export("domains", {
    "mail.example.com": {"identityArn": mail.identity_arn, "records": mail.records},
    existing.name: {"identityArn": apex.identity_arn, "records": apex.records},
})
pulumi.export("verification", verification.results)
