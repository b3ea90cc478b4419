"""The verification step across regions, against real Knot servers and a Stubber-validated SES per
region: a replica's job is read from SES in its own region, results are keyed per identity, and a
replica that does not verify fails the step under its own name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ses_domains.deploy import provider_ops as stack_run
from ses_domains.deploy.provider_ops import VerificationFailed
from ses_domains.deploy.verification import VerificationProvider
from ses_domains.engine.job import VerificationJob
from ses_domains.records.model import DnsRecord
from tests.fake_ses import FakeSes, SesState
from tests.test_verification_provider import A, publish, records_of, servers  # noqa: F401 (fixture)

REPLICA = "us-east-1"


def replica_records(domain: str) -> list[dict]:
    return [
        {"name": f"r{i}-{REPLICA}._domainkey.{domain}", "type": "CNAME", "values": [f"r{i}.dkim.amazonses.com"],
         "ttl": 60}
        for i in range(3)
    ] + [{"name": f"{REPLICA}.bounce.{domain}", "type": "MX",
          "values": [f"10 feedback-smtp.{REPLICA}.amazonses.com"], "ttl": 60}]


def job(domain: str, records: list[dict], endpoints, region=None) -> VerificationJob:
    return VerificationJob(
        domain, tuple(DnsRecord(r["name"], r["type"], tuple(r["values"]), r["ttl"]) for r in records),
        endpoints, True, 30, region=region,
    )


@pytest.fixture
def regional_ses(monkeypatch):
    fakes = {"eu-west-1": FakeSes(), REPLICA: FakeSes()}
    asked: list[str] = []

    def reader(settings):
        asked.append(settings.region)
        return fakes[settings.region].reader()

    monkeypatch.setattr(stack_run, "ses_reader", reader)
    return fakes, asked


def props(jobs: list[VerificationJob]) -> dict:
    return {"aws": {"region": "eu-west-1", "profile": None},
            "domains": {j.key: j.to_props() for j in jobs}, "results": None}


def test_each_identity_is_read_from_ses_in_its_own_region(servers, regional_ses):  # noqa: F811
    fakes, asked = regional_ses
    primary, secondary = servers
    endpoints = (primary.endpoint, secondary.endpoint)
    publish(primary, A, records_of(A) + replica_records(A))
    fakes["eu-west-1"].script(A, SesState(dkim="SUCCESS", mail_from="SUCCESS"))
    fakes[REPLICA].script(A, SesState(dkim="PENDING", mail_from="PENDING"), SesState(dkim="SUCCESS", mail_from="SUCCESS"))

    jobs = [job(A, records_of(A), endpoints), job(A, replica_records(A), endpoints, REPLICA)]
    outs = VerificationProvider().create(props(jobs)).outs

    assert sorted(asked) == ["eu-west-1", REPLICA]
    results = outs["results"]
    assert set(results) == {A, f"{A} ({REPLICA})"}
    assert results[A]["verified"] is True and "region" not in results[A]
    assert results[f"{A} ({REPLICA})"]["verified"] is True
    assert results[f"{A} ({REPLICA})"]["region"] == REPLICA
    fakes["eu-west-1"].assert_all_consumed()
    fakes[REPLICA].assert_all_consumed()


def test_a_replica_whose_records_are_missing_fails_under_its_own_name(servers, regional_ses):  # noqa: F811
    fakes, _ = regional_ses
    primary, secondary = servers
    endpoints = (primary.endpoint, secondary.endpoint)
    publish(primary, A, records_of(A))
    fakes["eu-west-1"].script(A, SesState(dkim="SUCCESS", mail_from="SUCCESS"))
    missing = [dict(r, name=r["name"].replace("r0-", "gone-")) for r in replica_records(A)[:1]]

    jobs = [job(A, records_of(A), endpoints), job(A, missing, endpoints, REPLICA)]
    assert [VerificationJob.from_props(j.key, j.to_props()) for j in jobs] == jobs, "props round-trip per region"
    with pytest.raises(VerificationFailed) as raised:
        VerificationProvider().create(props([replace(j, timeout_s=2) for j in jobs]))
    message = str(raised.value)
    assert f"- {A} ({REPLICA}) (dns):" in message
    assert f"gone-{REPLICA}._domainkey.{A}" in message
    assert f"- {A} (dns)" not in message and f"- {A} (ses)" not in message
