"""The baseline for bench.program: the same resources declared with bare pulumi-aws calls.

No config validation, no component, no verification step: what a hand-written program for a
fixed list of domains would do with the same stack config, exporting the same stack outputs
(identity ARN and the records of each domain). Like ours, it turns each zone name into a zone id
with the provider's ``getZone``, once per zone; it trusts the answer without checking it.
Reads ``ses-domains:domains`` (already valid).
"""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config("ses-domains")
region = pulumi.Config("aws").require("region")
exports = {}
zone_ids = {}
for entry in json.loads(config.require("domains")):
    domain = entry["domain"]
    zone = entry["zone"]
    if zone not in zone_ids:
        zone_ids[zone] = aws.route53.get_zone(name=zone, private_zone=False).zone_id
    zone_id = zone_ids[zone]
    mail_from = f"{entry['mailFrom']}.{domain}"
    identity = aws.sesv2.EmailIdentity(
        domain,
        email_identity=domain,
        dkim_signing_attributes={"next_signing_key_length": "RSA_2048_BIT"},
        opts=pulumi.ResourceOptions(delete_before_replace=True),
    )
    records = []
    for i in range(3):
        token = identity.dkim_signing_attributes.apply(lambda a, i=i: a.tokens[i])
        name = token.apply(lambda t: f"{t}._domainkey.{domain}")
        target = token.apply(lambda t: f"{t}.dkim.amazonses.com")
        aws.route53.Record(f"{domain}-dkim-{i + 1}", zone_id=zone_id, name=name, type="CNAME", ttl=1800,
                           records=[target])
        records.append({"name": name, "type": "CNAME", "values": [target], "ttl": 1800, "zone": zone})
    # Forwarding managed explicitly, as ours does: deleting this resource would turn it off.
    aws.sesv2.EmailIdentityFeedbackAttributes(
        f"{domain}-feedback", email_identity=identity.email_identity, email_forwarding_enabled=True,
    )
    aws.sesv2.EmailIdentityMailFromAttributes(
        f"{domain}-mail-from",
        email_identity=identity.email_identity,
        mail_from_domain=mail_from,
        behavior_on_mx_failure="USE_DEFAULT_VALUE",
    )
    dmarc = f"v=DMARC1; p={entry['dmarc']['policy']}; rua={entry['dmarc']['rua'][0]}"
    for suffix, name, type_, value in (
        ("mail-from-mx", mail_from, "MX", f"10 feedback-smtp.{region}.amazonses.com"),
        ("mail-from-spf", mail_from, "TXT", "v=spf1 include:amazonses.com ~all"),
        ("dmarc", f"_dmarc.{domain}", "TXT", dmarc),
    ):
        aws.route53.Record(f"{domain}-{suffix}", zone_id=zone_id, name=name, type=type_, ttl=1800, records=[value])
        records.append({"name": name, "type": type_, "values": [value], "ttl": 1800, "zone": zone})
    exports[domain] = {"identityArn": identity.arn, "records": records}
pulumi.export("domains", exports)
