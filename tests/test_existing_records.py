"""Bringing an existing domain: the real program under mocks, against zones in moto that already
hold records. A foreign record stops the program before anything is declared; adopt, the
stack's own records, the apex SPF merge and DMARC report authorizations."""

from __future__ import annotations

import pytest
import pulumi

from tests.fake_route53_records import GET_EMAIL_IDENTITY, put_record
from tests.pulumi_program import RecordingMocks, dkim_tokens, run_program

D = "ses-domains:domains"
RECORD = "aws:route53/record:Record"
APEX_SPF = "pulumi-python:dynamic/ses-domains:ApexSpf"
GOOGLE = "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ"
REGION = "eu-west-1"


def existing(*records):
    """A ``prepare`` that writes (zone, name, type, values[, ttl]) record sets before the run."""
    def prepare(route53, zone_ids):
        for zone, name, record_type, values, *ttl in records:
            put_record(route53, zone_ids[zone], name, record_type, values, *ttl)
    return prepare


def stopped(domains, prepare, mocks=None) -> str:
    mocks = mocks or RecordingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"aws:region": REGION, D: domains}, mocks=mocks, prepare=prepare)
    assert mocks.resources == [], "a resource was declared although the program stopped"
    return str(raised.value)


def warnings(run) -> list[str]:
    return [r.getMessage() for r in run.logs if r.levelname == "WARNING"]


def test_an_existing_dmarc_record_stops_the_program_naming_it_its_values_and_the_choices():
    message = stopped(
        [{"domain": "example.com", "dmarc": {"policy": "reject"}}],
        existing(("example.com", "_dmarc.example.com", "TXT", ["v=DMARC1; p=none; rua=mailto:old@example.com"])),
    )

    assert message.startswith("the stack config has a problem:\n")
    assert f"{D}[0].dmarc: the zone example.com (" in message
    assert (
        'already has TXT _dmarc.example.com = "v=DMARC1; p=none; rua=mailto:old@example.com" (TTL 300), which this '
        'stack did not create; it would write TXT _dmarc.example.com = "v=DMARC1; p=reject". Choose: adopt it '
        "(existingRecords: adopt on this domain: pulumi up replaces its values with the stack's and the stack "
        "manages it from then on), remove it from the zone, or remove dmarc from this domain"
    ) in message


def test_an_existing_mail_from_mx_and_txt_stop_the_program_both_named():
    message = stopped(
        [{"domain": "example.com", "mailFrom": "bounce"}],
        existing(
            ("example.com", "bounce.example.com", "MX", ["10 mx.old-provider.example"]),
            ("example.com", "bounce.example.com", "TXT", ["v=spf1 include:old-provider.example -all"]),
        ),
    )

    assert message.startswith("the stack config has 2 problems:\n")
    assert f"{D}[0].mailFrom: the zone example.com (" in message
    assert "already has MX bounce.example.com = 10 mx.old-provider.example (TTL 300)" in message
    assert "it would write MX bounce.example.com = 10 feedback-smtp.eu-west-1.amazonses.com" in message
    assert 'already has TXT bounce.example.com = "v=spf1 include:old-provider.example -all" (TTL 300)' in message
    assert "set mailFrom to a name that has no records yet, or remove mailFrom" in message


def test_an_existing_dkim_cname_with_another_target_stops_the_program():
    """SES already has the identity (made outside the stack, or by an earlier run): its DKIM names
    are known at preview, and one of them points elsewhere."""
    token = dkim_tokens("example.com")[0]
    mocks = RecordingMocks(ses_identities={"example.com": dkim_tokens("example.com")})
    message = stopped(
        [{"domain": "example.com"}],
        existing(("example.com", f"{token}._domainkey.example.com", "CNAME", [f"{token}.dkim.elsewhere.example"])),
        mocks,
    )

    assert f"{D}[0].domain: the zone example.com (" in message
    assert (
        f"already has CNAME {token}._domainkey.example.com = {token}.dkim.elsewhere.example (TTL 300), which this "
        f"stack did not create; it would write CNAME {token}._domainkey.example.com = {token}.dkim.amazonses.com"
    ) in message
    assert [token for token, _ in mocks.calls].count(GET_EMAIL_IDENTITY) == 1


def test_a_new_identity_is_not_asked_of_ses_when_its_zone_has_no_dkim_records():
    mocks = RecordingMocks()
    run_program({"aws:region": REGION, D: [{"domain": "example.com", "dmarc": {"policy": "none"}}]}, mocks=mocks)
    assert GET_EMAIL_IDENTITY not in [token for token, _ in mocks.calls]
    assert mocks.reads == [], "the stack's outputs are read only when a zone holds something at its names"


def test_adopt_declares_only_the_foreign_records_with_overwrite_and_preview_says_so():
    run = run_program(
        {"aws:region": REGION, D: [{"domain": "example.com", "mailFrom": "bounce", "existingRecords": "adopt",
                                    "dmarc": {"policy": "reject"}}]},
        prepare=existing(
            ("example.com", "_dmarc.example.com", "TXT", ["v=DMARC1; p=none"], 3600),
            ("example.com", "bounce.example.com", "MX", ["10 mx.old-provider.example"]),
        ),
    )

    overwrite = {key: declared.inputs["allowOverwrite"] for key, declared in run.records().items()}
    assert overwrite == {
        **{(f"{t}._domainkey.example.com", "CNAME"): False for t in dkim_tokens("example.com")},
        ("bounce.example.com", "MX"): True,
        ("bounce.example.com", "TXT"): False,
        ("_dmarc.example.com", "TXT"): True,
    }
    assert run.records()[("_dmarc.example.com", "TXT")].inputs["records"] == ["v=DMARC1; p=reject"]
    assert run.records()[("_dmarc.example.com", "TXT")].inputs["ttl"] == 1800
    assert (
        f'{D}[0].dmarc: adopting TXT _dmarc.example.com = "v=DMARC1; p=none" (TTL 3600) in zone example.com: '
        'pulumi up replaces it with "v=DMARC1; p=reject" (TTL 1800) and the stack manages it from then on; '
        "pulumi destroy deletes it"
    ) in warnings(run)
    assert any(w.startswith(f"{D}[0].mailFrom: adopting MX bounce.example.com = 10 mx.old-provider.example")
               for w in warnings(run)), warnings(run)


def test_a_cname_where_the_stack_writes_txt_cannot_be_adopted():
    message = stopped(
        [{"domain": "example.com", "dmarc": {"policy": "none"}, "existingRecords": "adopt"}],
        existing(("example.com", "_dmarc.example.com", "CNAME", ["dmarc.vendor.example"])),
    )
    assert "already has CNAME _dmarc.example.com = dmarc.vendor.example (TTL 300)" in message
    assert "remove it from the zone (it cannot be adopted: a CNAME cannot share its name with other records)" in message


def test_the_second_run_after_a_config_change_updates_the_stacks_own_records():
    config = {"aws:region": REGION, D: [{"domain": "example.com", "mailFrom": "bounce", "dmarc": {"policy": "none"}}]}
    first = run_program(config)
    written = [(r["zone"], r["name"], r["type"], r["values"], r["ttl"])
               for r in first.outputs["domains"]["example.com"]["records"]]
    # What the first pulumi up left: the records in the zone, SES's identity, the stack's outputs.
    mocks = RecordingMocks(ses_identities={"example.com": dkim_tokens("example.com")},
                           stack_outputs={"domains": first.outputs["domains"]})

    config[D][0]["dmarc"]["policy"] = "reject"
    second = run_program(config, mocks=mocks, prepare=existing(*written))

    dmarc = second.records()[("_dmarc.example.com", "TXT")].inputs
    assert dmarc["records"] == ["v=DMARC1; p=reject"] and dmarc["allowOverwrite"] is False
    assert len(second.records()) == 6
    assert mocks.reads == ["organization/ses-domains/test"]
    assert warnings(second) == []


def test_the_apex_spf_merge_keeps_a_site_verification_and_a_foreign_include():
    run = run_program(
        {"aws:region": REGION, D: [{"domain": "example.com", "spf": {"apex": True, "include": ["mail.extra.example.net"]}}]},
        prepare=existing(("example.com", "example.com", "TXT", [GOOGLE, "v=spf1 include:_spf.google.com ~all"], 3600)),
    )

    [apex] = run.of_type(APEX_SPF)
    inputs = {k: v for k, v in apex.inputs.items() if k != "__provider"}  # None inputs are not sent
    assert inputs == {
        "zoneId": run.zone_ids["example.com"],
        "name": "example.com",
        "includes": ["amazonses.com", "mail.extra.example.net"],
        "ttl": 3600,
        "preview": [GOOGLE, "v=spf1 include:_spf.google.com include:amazonses.com include:mail.extra.example.net ~all"],
        "aws": {"region": REGION},
    }
    assert ("example.com", "TXT") not in run.records(), "the apex is never a record resource of the stack"
    infos = [r.getMessage() for r in run.logs if r.levelname == "INFO"]
    assert any(
        m.startswith(f"{D}[0].spf: the SPF string of example.com becomes 'v=spf1 include:_spf.google.com "
                     "include:amazonses.com include:mail.extra.example.net ~all' (was 'v=spf1 include:_spf.google.com ~all'); "
                     "the 1 other TXT value stays")
        for m in infos
    ), infos


def test_an_spf_merge_past_ten_lookups_is_refused():
    crowded = "v=spf1 a mx " + " ".join(f"include:s{i}.example" for i in range(7)) + " -all"
    message = stopped(
        [{"domain": "example.com", "spf": {"apex": True, "include": ["mail.extra.example.net"]}}],
        existing(("example.com", "example.com", "TXT", [crowded])),
    )

    assert f"{D}[0].spf: the TXT record example.com in zone example.com would need at least 11 DNS lookups" in message
    assert "SPF allows 10" in message


def test_without_spf_apex_the_apex_is_never_touched():
    run = run_program(
        {"aws:region": REGION, D: [{"domain": "example.com"}]},
        prepare=existing(("example.com", "example.com", "TXT", ["v=spf1 -all", "v=spf1 mx -all"])),
    )
    assert run.of_type(APEX_SPF) == []


def test_dmarc_report_authorization_is_written_in_the_report_domains_zone_of_the_stack():
    run = run_program({"aws:region": REGION, D: [
        {"domain": "example.com", "dmarc": {"policy": "reject", "rua": "mailto:dmarc@example.org"}},
        {"domain": "news.example.org"},
    ]})

    record = run.records()[("example.com._report._dmarc.example.org", "TXT")]
    assert record.inputs == {"zoneId": run.zone_ids["example.org"], "name": "example.com._report._dmarc.example.org",
                             "type": "TXT", "ttl": 1800, "records": ["v=DMARC1"], "allowOverwrite": False}
    assert not [w for w in warnings(run) if "_report._dmarc" in w], warnings(run)
    assert run.outputs["domains"]["example.com"]["reportAuthorizations"] == [
        {"name": "example.com._report._dmarc.example.org", "type": "TXT", "values": ["v=DMARC1"], "ttl": 1800,
         "zone": "example.org"}
    ]


def test_report_domain_outside_the_stack_keeps_the_warning_and_writes_nothing():
    run = run_program({"aws:region": REGION, D: [
        {"domain": "example.com", "dmarc": {"policy": "reject", "rua": "mailto:dmarc@example.org"}},
    ]})
    assert ("example.com._report._dmarc.example.org", "TXT") not in run.records()
    assert any("example.com._report._dmarc.example.org" in w for w in warnings(run)), warnings(run)


@pytest.mark.parametrize("domain, expected", [
    ({"existingRecords": "keep"}, f"{D}[0].existingRecords: must be one of stop, adopt, got 'keep'"),
    ({"spf": {"include": ["_spf.extra.example.net"]}},
     f"{D}[0].spf.apex: must be true to merge SES and include into the domain's own SPF record (got None)"),
    ({"spf": {"apex": True, "include": ["include:a b.example"]}},
     f"{D}[0].spf.include[0]: 'include:a b.example' is not a domain an SPF include can name"),
    ({"spf": {"apex": True, "inclde": ["x.example.net"]}}, f"{D}[0].spf.inclde: unknown key; did you mean 'include'?"),
])
def test_mistakes_in_the_new_keys_are_reported_under_their_key(domain, expected):
    message = stopped([{"domain": "example.com", **domain}], existing())
    assert expected in message, message


def test_an_spf_include_with_underscore_labels_is_accepted_and_normalized():
    run = run_program({"aws:region": REGION, D: [
        {"domain": "example.com", "spf": {"apex": True, "include": ["_SPF.Google.com."]}}]})
    assert run.of_type(APEX_SPF)[0].inputs["includes"] == ["amazonses.com", "_spf.google.com"]
    assert run.of_type(APEX_SPF)[0].inputs["preview"] == ["v=spf1 include:amazonses.com include:_spf.google.com ~all"]


def test_adopting_a_dkim_cname_overwrites_that_one_only():
    tokens = dkim_tokens("example.com")
    mocks = RecordingMocks(ses_identities={"example.com": tokens})
    run = run_program(
        {"aws:region": REGION, D: [{"domain": "example.com", "existingRecords": "adopt"}]}, mocks=mocks,
        prepare=existing(("example.com", f"{tokens[1]}._domainkey.example.com", "CNAME", ["old.dkim.example"])),
    )
    overwrite = {name: declared.inputs["allowOverwrite"] for (name, _), declared in run.records().items()}
    assert overwrite == {f"{tokens[0]}._domainkey.example.com": False, f"{tokens[1]}._domainkey.example.com": True,
                         f"{tokens[2]}._domainkey.example.com": False}


def test_a_report_authorization_the_zone_already_has_is_not_written_again():
    run = run_program(
        {"aws:region": REGION, D: [
            {"domain": "example.com", "dmarc": {"policy": "reject", "rua": "mailto:dmarc@example.org"}},
            {"domain": "news.example.org"},
        ]},
        prepare=existing(("example.org", "example.com._report._dmarc.example.org", "TXT", ["v=DMARC1"])),
    )
    assert ("example.com._report._dmarc.example.org", "TXT") not in run.records()
    assert not [w for w in warnings(run) if "_report._dmarc" in w], warnings(run)
    assert "reportAuthorizations" not in run.outputs["domains"]["example.com"]


def test_an_existing_byodkim_selector_record_stops_the_program():
    from tests.dkim_test_keys import private_pem

    message = stopped(
        [{"domain": "example.com", "dkim": {"selector": "s1", "privateKey": private_pem(2048)}}],
        existing(("example.com", "s1._domainkey.example.com", "TXT", ["v=DKIM1; k=rsa; p=MIIBold"])),
    )
    assert f"{D}[0].dkim: the zone example.com (" in message
    assert 'already has TXT s1._domainkey.example.com = "v=DKIM1; k=rsa; p=MIIBold" (TTL 300)' in message
    assert "choose another dkim.selector (a name with no record yet)" in message


TRACKED = {
    "aws:region": REGION,
    D: [{"domain": "example.com"}],
    "ses-domains:configurationSets": [{"name": "tracked", "trackingDomain": "click.example.com"}],
}


def test_an_existing_record_at_the_tracking_domain_stops_the_program():
    mocks = RecordingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run_program(TRACKED, mocks=mocks,
                    prepare=existing(("example.com", "click.example.com", "CNAME", ["old-tracker.example.net"])))
    assert mocks.resources == []
    message = str(raised.value)
    assert "ses-domains:configurationSets[0].trackingDomain: the zone example.com (" in message
    assert "already has CNAME click.example.com = old-tracker.example.net" in message
    assert "choose a trackingDomain that has no record yet" in message


def test_the_stacks_own_tracking_record_is_not_foreign_on_the_next_run():
    first = run_program(TRACKED)
    tracking = first.outputs["configurationSets"]["tracked"]["trackingRecord"]
    mocks = RecordingMocks(stack_outputs={"domains": first.outputs["domains"],
                                          "configurationSets": first.outputs["configurationSets"]})

    second = run_program(TRACKED, mocks=mocks, prepare=existing(
        ("example.com", tracking["name"], tracking["type"], tracking["values"], tracking["ttl"])))

    assert second.records()[("click.example.com", "CNAME")].inputs["records"] == ["r.eu-west-1.awstrack.me"]
