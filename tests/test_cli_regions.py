"""``ses-domains check`` and ``wait`` plan one entry per identity: a domain with replicaRegions gets
one plan per region, with the tokens SES in that region gave and the replica's own records."""

from __future__ import annotations

from ses_domains.cli.domain_plans import plan_domains
from ses_domains.cli.ses_identities import IdentityReading
from ses_domains.cli.wait_command import _job
from ses_domains.config.stack import read_stack_config
from ses_domains.engine.ses.status import IdentityStatus


def status(domain: str, tokens: tuple[str, ...]) -> IdentityStatus:
    return IdentityStatus(domain, "DOMAIN", False, "PENDING", "PENDING", True, tokens, "AWS_SES",
                          "dkim.amazonses.com", None, None, None, None)


def stack():
    raw = {"domains": [{"domain": "example.com", "mailFrom": "bounce", "replicaRegions": ["us-east-1", "eu-south-1"],
                        "verify": {"nameservers": ["127.0.0.1:5353"]}}]}
    return read_stack_config(raw.get, {"region": "eu-west-1"}.get)


def test_each_replica_is_planned_with_its_region_s_tokens_and_records():
    readings = {
        "example.com": IdentityReading("example.com", status("example.com", ("aaa", "bbb", "ccc"))),
        "example.com (us-east-1)": IdentityReading("example.com", status("example.com", ("ddd", "eee", "fff"))),
    }
    plans = plan_domains(stack(), readings, (), lambda: None)

    assert [p.key for p in plans] == ["example.com", "example.com (us-east-1)", "example.com (eu-south-1)"]
    replica = plans[1]
    assert replica.region == "us-east-1" and replica.records.dkim_from_ses
    assert {(r.name, r.type, r.values) for r in replica.records.records} == {
        *((f"{t}._domainkey.example.com", "CNAME", (f"{t}.dkim.amazonses.com",)) for t in ("ddd", "eee", "fff")),
        ("us-east-1.bounce.example.com", "MX", ("10 feedback-smtp.us-east-1.amazonses.com",)),
        ("us-east-1.bounce.example.com", "TXT", ("v=spf1 include:amazonses.com ~all",)),
    }
    # SES in eu-south-1 was not read: the plan says so, and wait would not start with placeholders.
    assert not plans[2].records.dkim_from_ses and "eu-south-1" in plans[2].records.why_placeholders
    job = _job(replica, "eu-west-1", None)
    assert (job.key, job.region) == ("example.com (us-east-1)", "us-east-1")
    assert job.records == replica.records.records
    assert _job(plans[0], "eu-west-1", None).region is None
