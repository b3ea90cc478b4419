"""The second ``pulumi up``: a table of stack changes (config A deployed, then config B), judged by
the AWS-rules layer's transitions (tests/aws_rules/transitions.py) from the provider's Read /
Update / Delete functions. Each row names the function it follows and asserts the end state the
stack means; every request that goes out passes botocore's model (enums, patterns, lengths).

Run B sees what ``pulumi up`` would see of A's resources: an identity ignores changes of its DKIM
block, so its outputs stay A's (``carried_over``), and the DKIM signing step reports the tokens
SES gives after the switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import pytest
from pulumi.runtime.rpc import is_rpc_secret, wrap_rpc_secret

from tests.aws_rules.transitions import (
    CREATE, DELETE, REPLACE, UNCHANGED, UPDATE, Change, EngineRefusal, Resource, Transition, judge, matched_states,
    resources_of, transition,
)
from tests.aws_rules.requests import Context
from tests.dkim_test_keys import private_pem, public_pem
from tests.pulumi_program import RecordingMocks, dkim_tokens, run_program

D = "ses-domains:domains"
SETS = "ses-domains:configurationSets"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
SIGNING = "pulumi-python:dynamic/ses-domains:DkimSigningOrigin"
RECORD = "aws:route53/record:Record"
KEY_STEP = "pulumi-python:dynamic/ses-domains:DkimKeyPublished"
VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"


def stack(*domains: dict, **settings: Any) -> dict:
    return {"aws:region": "eu-west-1", D: list(domains), **{f"ses-domains:{k}": v for k, v in settings.items()}}


def domain(**options: Any) -> dict:
    return {"domain": "example.com", "mailFrom": "bounce", "dmarc": {"policy": "none", "rua": "dmarc@example.com"},
            **options}


def byodkim(selector: str, key_name: str, **more: Any) -> dict:
    return {"selector": selector, "privateKey": private_pem(2048, name=key_name), **more}


class CarriedOver(RecordingMocks):
    """Run B's mocks: an identity that existed in A keeps A's DKIM outputs (``ignore_changes``); the
    signing step reports what SES reports once it signs as declared."""

    def __init__(self, run_a: Any) -> None:
        super().__init__()
        self._identities = {r.name: r.state["dkimSigningAttributes"] for r in run_a.mocks.resources if r.type == IDENTITY}

    def extra_state(self, args: Any) -> dict:
        if args.typ == IDENTITY and args.name in self._identities:
            kept = self._identities[args.name]
            # As the engine keeps it: a block that held a private key is secret.
            return {"dkimSigningAttributes": wrap_rpc_secret(kept) if kept.get("domainSigningPrivateKey") else kept}
        if args.typ == SIGNING:
            if args.inputs.get("selector"):
                return {"tokens": [args.inputs["selector"]], "reportedOrigin": "EXTERNAL"}
            region = args.inputs["aws"]["region"]
            return {"tokens": dkim_tokens(args.inputs["emailIdentity"], region), "reportedOrigin": "AWS_SES"}
        return {}


def second_up(config_a: dict, config_b: dict, renamed: Optional[dict[str, str]] = None) -> Transition:
    """As ``pulumi up`` with B finds the world A's up left: A's record sets in the zones, A's
    outputs as the stack's last ones (what the program's preflight reads). ``renamed``: A was
    deployed by an earlier version that named these resources otherwise."""
    run_a = run_program(config_a)
    mocks = CarriedOver(run_a)
    mocks.stack_outputs = run_a.outputs
    return transition(run_a, run_program(config_b, mocks=mocks, prepare=records_of(run_a)), renamed)


def records_of(run: Any) -> Callable[[Any, dict[str, str]], None]:
    """Writes the record sets ``run`` declared into the next run's zones (its own zone ids)."""
    zone_names = {zone_id: name for name, zone_id in run.zone_ids.items()}

    def prepare(route53: Any, zone_ids: dict[str, str]) -> None:
        for record in run.of_type(RECORD):
            zone_id = zone_ids[zone_names[record.inputs["zoneId"]]]
            route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
                "Action": "CREATE", "ResourceRecordSet": {
                    "Name": record.inputs["name"], "Type": record.inputs["type"], "TTL": int(record.inputs["ttl"]),
                    "ResourceRecords": [{"Value": v} for v in record.inputs["records"]]}}]})
    return prepare


def record_changes(change: Change) -> list[tuple[str, str]]:
    """(action, record name) of each Route 53 change a step sends."""
    return [(c["Action"], c["ResourceRecordSet"]["Name"]) for r in change.requests
            for c in r.params.get("ChangeBatch", {}).get("Changes", [])]


def position(steps: list[tuple[str, str]], action: str, name: str) -> int:
    """``name``: the resource's name, or ``<type>::<name>`` where a component shares it."""
    ending = name if "::" in name else f"::{name}"
    found = [i for i, (a, urn) in enumerate(steps) if a == action and urn.endswith(ending)]
    assert len(found) == 1, (action, name, steps)
    return found[0]


# --- the rows -------------------------------------------------------------------------------------


def easy_to_byodkim(t: Transition) -> None:
    assert t.by_name("example.com", IDENTITY).action == UNCHANGED  # ignore_changes: no provider Update
    signing = t.by_name("example.com-dkim-signing")
    assert signing.action == UPDATE
    put = signing.requests[-1]
    assert put.operation == "PutEmailIdentityDkimSigningAttributes"
    assert put.params["SigningAttributesOrigin"] == "EXTERNAL"
    assert set(put.params["SigningAttributes"]) == {"DomainSigningSelector", "DomainSigningPrivateKey"}
    assert put.params["SigningAttributes"]["DomainSigningSelector"] == "s2026a"
    # The CNAMEs go last: after the TXT record is on every server (the key step), SES was switched
    # (the signing step reads SES back) and the verification step saw SES sign with the new key.
    after = t.after
    signing_urn, key_urn = signing.urn, t.by_name("example.com-dkim-key-published").urn
    verification_urn = t.by_name("verification").urn
    assert key_urn in after[signing_urn].dependencies
    assert t.by_name("example.com-dkim-key").urn in after[key_urn].dependencies
    assert signing_urn in after[verification_urn].dependencies
    steps = t.ordered_steps()
    txt, key = position(steps, CREATE, "example.com-dkim-key"), position(steps, CREATE, "example.com-dkim-key-published")
    switch, verify = position(steps, UPDATE, "example.com-dkim-signing"), position(steps, UPDATE, "verification")
    cnames = [position(steps, DELETE, f"example.com-dkim-{i}") for i in (1, 2, 3)]
    assert txt < key < switch < verify < min(cnames)
    assert all(t.by_name(f"example.com-dkim-{i}").operations()[-1] == "ChangeResourceRecordSets" for i in (1, 2, 3))


def byodkim_to_easy(t: Transition) -> None:
    assert t.by_name("example.com", IDENTITY).action == UNCHANGED
    put = t.by_name("example.com-dkim-signing").requests[-1]
    assert put.params == {"EmailIdentity": "example.com", "SigningAttributesOrigin": "AWS_SES",
                          "SigningAttributes": {"NextSigningKeyLength": "RSA_2048_BIT"}}
    # The new CNAMEs carry the tokens SES gives after the switch, so they follow the signing step;
    # the TXT record goes at the end.
    steps = t.ordered_steps()
    switch = position(steps, UPDATE, "example.com-dkim-signing")
    for i in (1, 2, 3):
        cname = t.by_name(f"example.com-dkim-{i}")
        assert cname.action == CREATE and t.by_name("example.com-dkim-signing").urn in t.after[cname.urn].dependencies
        assert position(steps, CREATE, f"example.com-dkim-{i}") > switch
        value = cname.requests[0].params["ChangeBatch"]["Changes"][0]["ResourceRecordSet"]["ResourceRecords"][0]["Value"]
        assert value == f"{dkim_tokens('example.com')[i - 1]}.dkim.amazonses.com"
        # The old key made the identity's DKIM block secret; the tokens taken from it are not.
        assert not is_rpc_secret(t.after[cname.urn].inputs["records"])
    assert position(steps, DELETE, "example.com-dkim-key") == len(steps) - 1


def rotation(t: Transition) -> None:
    put = t.by_name("example.com-dkim-signing").requests[-1]
    assert put.params["SigningAttributesOrigin"] == "EXTERNAL"
    assert put.params["SigningAttributes"]["DomainSigningSelector"] == "s2026b"
    # s2026a's record keeps its state (the engine finds it through the alias), untouched; s2026b's
    # is a plain create; then the key step waits for both, then SES gets the new key.
    kept = t.by_name("example.com-dkim-key-s2026a")
    assert kept.action == UNCHANGED and kept.aliased_from.endswith("::example.com-dkim-key")
    created = t.by_name("example.com-dkim-key-s2026b")
    assert created.action == CREATE and record_changes(created) == [("CREATE", "s2026b._domainkey.example.com")]
    assert [c for c in t.of_type(RECORD) if c.action in (REPLACE, DELETE)] == []
    steps = t.ordered_steps()
    assert (position(steps, CREATE, "example.com-dkim-key-s2026b") < position(steps, UPDATE, "example.com-dkim-key-published")
            < position(steps, UPDATE, "example.com-dkim-signing"))


def rotation_end(t: Transition) -> None:
    # The state created for s2026b during the rotation goes back to <domain>-dkim-key, unchanged;
    # s2026a's record is deleted, at the end of the update.
    current = t.by_name("example.com-dkim-key")
    assert current.action == UNCHANGED and current.aliased_from.endswith("::example.com-dkim-key-s2026b")
    retired = t.by_name("example.com-dkim-key-s2026a")
    assert retired.action == DELETE and record_changes(retired) == [("DELETE", "s2026a._domainkey.example.com")]
    assert t.by_name("example.com-dkim-signing").action == UNCHANGED  # same key, same selector
    steps = t.ordered_steps()
    assert steps[-1] == (DELETE, retired.urn)
    assert [c.name for c in t.of_type(RECORD) if c.action != UNCHANGED] == ["example.com-dkim-key-s2026a"]


def key_length(t: Transition) -> None:
    assert t.by_name("example.com", IDENTITY).action == UNCHANGED
    put = t.by_name("example.com-dkim-signing").requests[-1]
    assert put.params["SigningAttributes"] == {"NextSigningKeyLength": "RSA_2048_BIT"}
    assert put.params["SigningAttributesOrigin"] == "AWS_SES"
    assert not [c for c in t.of_type(RECORD) if c.action != UNCHANGED]  # same tokens, same CNAMEs


def mail_from_changed(t: Transition) -> None:
    mail_from = t.by_name("example.com-mail-from")
    assert mail_from.action == UPDATE
    assert mail_from.requests[0].params == {"EmailIdentity": "example.com", "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
                                            "MailFromDomain": "mail.example.com"}
    assert t.by_name("example.com-mail-from-mx").action == REPLACE  # name is ForceNew


def mail_from_removed(t: Transition) -> None:
    mail_from = t.by_name("example.com-mail-from")
    assert mail_from.action == DELETE
    assert mail_from.requests[0].params == {"EmailIdentity": "example.com"}  # SES's own MAIL FROM again
    assert {t.by_name(f"example.com-{r}").action for r in ("mail-from-mx", "mail-from-spf")} == {DELETE}


def dmarc_removed(t: Transition) -> None:
    dmarc = t.by_name("example.com-dmarc")
    assert dmarc.action == DELETE
    change = dmarc.requests[-1].params["ChangeBatch"]["Changes"][0]
    assert change["Action"] == "DELETE" and change["ResourceRecordSet"]["Name"] == "_dmarc.example.com"


def set_options_removed(t: Transition) -> None:
    changed = t.by_name("transactional", "aws:sesv2/configurationSet:ConfigurationSet")
    assert changed.action == UPDATE
    sent = {r.operation: r.params for r in changed.requests}
    # Suppression: a Put without reasons (the provider's Update sends reasons only when there are
    # some): the set keeps no list of its own and the account's settings apply.
    assert sent["PutConfigurationSetSuppressionOptions"] == {"ConfigurationSetName": "transactional"}
    assert sent["PutConfigurationSetVdmOptions"] == {"ConfigurationSetName": "transactional"}
    # Delivery: no pool (shared IPs) and the TLS policy the program declares when none is given.
    assert sent["PutConfigurationSetDeliveryOptions"] == {"ConfigurationSetName": "transactional",
                                                          "TlsPolicy": "OPTIONAL"}
    # The tracking domain: the set ignores trackingOptions; the TrackingOptions step is deleted,
    # and its Delete puts SES's own tracking domain back (deploy/set_options_ops.py clear_tracking).
    assert "PutConfigurationSetTrackingOptions" not in sent
    assert t.by_name("transactional-tracking-options").action == DELETE


def sink_changed(t: Transition) -> None:
    destination = t.by_name("transactional-bounces")
    assert destination.action == UPDATE
    assert destination.operations() == ["UpdateConfigurationSetEventDestination"]
    sent = destination.requests[0].params["EventDestination"]
    assert "CloudWatchDestination" in sent and "SnsDestination" not in sent


def replica_added(t: Transition) -> None:
    replica = t.by_name("example.com-us-east-1", IDENTITY)
    assert replica.action == CREATE and replica.operations() == ["CreateEmailIdentity"]
    assert t.by_name("example.com-us-east-1-dkim-signing").action == CREATE
    assert t.by_name("example.com", IDENTITY).action == UNCHANGED


def replica_removed(t: Transition) -> None:
    replica = t.by_name("example.com-us-east-1", IDENTITY)
    assert replica.action == DELETE and replica.requests[0].params == {"EmailIdentity": "example.com"}
    assert {c.action for c in t.of_type(RECORD) if "us-east-1" in c.name} == {DELETE}


def endpoint_added(t: Transition) -> None:
    endpoint = t.of_type("aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint")
    assert [c.action for c in endpoint] == [CREATE] and endpoint[0].operations() == ["CreateMultiRegionEndpoint"]


def endpoint_removed(t: Transition) -> None:
    endpoint = t.of_type("aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint")
    assert [c.action for c in endpoint] == [DELETE]
    assert endpoint[0].requests[0].params == {"EndpointName": "example-global"}


ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SET = "aws:sesv2/configurationSet:ConfigurationSet"


def endpoint_added_to_a_domain_with_a_set(t: Transition) -> None:
    # The replica in the endpoint's other region takes the copy of its domain's set as its default
    # set, in place, once that copy exists.
    replica = t.by_name("example.com-us-east-1", IDENTITY)
    assert replica.action == UPDATE and replica.changed == ("configurationSetName",)
    assert [(r.operation, r.params) for r in replica.requests] == [
        ("PutEmailIdentityConfigurationSetAttributes", {"EmailIdentity": "example.com",
                                                        "ConfigurationSetName": "transactional"})]
    assert t.by_name("example.com", IDENTITY).action == UNCHANGED
    steps = t.ordered_steps()
    copy = f"{SET}::transactional-us-east-1"
    assert position(steps, CREATE, copy) < position(steps, UPDATE, f"{IDENTITY}::example.com-us-east-1")
    # The other region's alarms are new; the stack region's stay as they are.
    alarms = {c.name: c for c in t.of_type(ALARM)}
    assert {name: c.action for name, c in alarms.items()} == {
        "reputation-alarms-bounce-rate": UNCHANGED, "reputation-alarms-complaint-rate": UNCHANGED,
        "reputation-alarms-us-east-1-bounce-rate": CREATE, "reputation-alarms-us-east-1-complaint-rate": CREATE}
    assert alarms["reputation-alarms-us-east-1-bounce-rate"].requests[0].params["AlarmActions"] == [US_ALARM_TOPIC]


def endpoint_removed_from_a_domain_with_a_set(t: Transition) -> None:
    replica = t.by_name("example.com-us-east-1", IDENTITY)
    assert replica.action == UPDATE
    # No ConfigurationSetName: SES takes the default set off, before the copy is deleted.
    assert [(r.operation, r.params) for r in replica.requests] == [
        ("PutEmailIdentityConfigurationSetAttributes", {"EmailIdentity": "example.com"})]
    steps = t.ordered_steps()
    copy = f"{SET}::transactional-us-east-1"
    assert position(steps, UPDATE, f"{IDENTITY}::example.com-us-east-1") < position(steps, DELETE, copy)
    assert {c.name: c.action for c in t.of_type(ALARM) if c.action != UNCHANGED} == {
        "reputation-alarms-us-east-1-bounce-rate": DELETE, "reputation-alarms-us-east-1-complaint-rate": DELETE}


def template_edited(t: Transition) -> None:
    template = t.of_type("aws:ses/template:Template")[0]
    assert template.action == UPDATE
    assert template.requests[0].operation == "UpdateTemplate"
    assert template.requests[0].params["Template"] == {"TemplateName": "welcome", "SubjectPart": "Hello again {{name}}",
                                                       "TextPart": "Hi {{name}}"}


def pool_mode_changed(t: Transition) -> None:
    pool = t.of_type("aws:sesv2/dedicatedIpPool:DedicatedIpPool")[0]
    assert pool.action == REPLACE
    # deleteBeforeReplace: one name, so the old pool goes first.
    assert pool.operations() == ["DeleteDedicatedIpPool", "CreateDedicatedIpPool"]
    assert pool.requests[1].params == {"PoolName": "bulk", "ScalingMode": "MANAGED"}


def forwarding_removed(t: Transition) -> None:
    feedback = t.by_name("example.com-feedback")
    assert feedback.action == UPDATE
    assert feedback.requests[0].params == {"EmailIdentity": "example.com", "EmailForwardingEnabled": True}


def stop_to_adopt(t: Transition) -> None:
    # Nothing in the zones but the stack's own records: nothing to adopt, nothing changes.
    assert [c for c in t.acting() if c.type == RECORD] == []


SET_A = {"name": "transactional", "suppressedReasons": ["BOUNCE"], "trackingDomain": "click.example.com",
         "vdm": {"engagementMetrics": True}, "tlsPolicy": "REQUIRE", "sendingPool": "transactional-pool",
         "eventDestinations": [{"name": "bounces", "events": ["BOUNCE", "COMPLAINT"], "sns": {"topic": "bounces"}}]}
SET_B = {"name": "transactional",
         "eventDestinations": [{"name": "bounces", "events": ["BOUNCE", "COMPLAINT"], "sns": {"topic": "bounces"}}]}
SINK_B = {**SET_B, "eventDestinations": [{"name": "bounces", "events": ["BOUNCE", "COMPLAINT"],
                                          "cloudwatch": {"dimensions": [{"name": "campaign", "source": "MESSAGE_TAG",
                                                                         "default": "none"}]}}]}
POOLS = [{"name": "transactional-pool"}]
ENDPOINT = {"name": "example-global", "regions": ["eu-west-1", "us-east-1"]}
US_ALARM_TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-alarms"
ALARMS = {"snsTopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-alarms"}


def with_set_and_alarms(**settings: Any) -> dict:
    return stack(domain(replicaRegions=["us-east-1"], configurationSet="transactional"), configurationSets=[SET_B],
                 reputationAlarms=ALARMS, **settings)


TEMPLATE_A = [{"name": "welcome", "subject": "Hello {{name}}", "text": "Hi {{name}}", "testData": {"name": "Ada"}}]
TEMPLATE_B = [{**TEMPLATE_A[0], "subject": "Hello again {{name}}"}]

ROTATING = {"selector": "s2026b", "privateKey": private_pem(2048, name="b"),
            "previous": {"selector": "s2026a", "publicKey": public_pem(2048, name="a")}}


@dataclass(frozen=True)
class Row:
    name: str
    before: Callable[[], dict]
    after: Callable[[], dict]
    follows: str
    check: Callable[[Transition], None]


ROWS = [
    Row("Easy DKIM -> BYODKIM", lambda: stack(domain()), lambda: stack(domain(dkim=byodkim("s2026a", "a"))),
        "deploy/dkim_signing_origin_ops.py apply_signing (email_identity.go resourceEmailIdentityUpdate bypassed)",
        easy_to_byodkim),
    Row("BYODKIM -> Easy DKIM", lambda: stack(domain(dkim=byodkim("s2026a", "a"))), lambda: stack(domain()),
        "deploy/dkim_signing_origin_ops.py apply_signing", byodkim_to_easy),
    Row("BYODKIM rotation", lambda: stack(domain(dkim=byodkim("s2026a", "a"))), lambda: stack(domain(dkim=ROTATING)),
        "deploy/dkim_signing_origin_ops.py apply_signing; route53/record.go (name ForceNew); "
        "pulumi step_generator.go generateSteps (aliases)", rotation),
    Row("BYODKIM rotation end", lambda: stack(domain(dkim=ROTATING)), lambda: stack(domain(dkim=byodkim("s2026b", "b"))),
        "pulumi step_generator.go generateSteps (aliases), GenerateDeletes; route53/record.go resourceRecordDelete",
        rotation_end),
    Row("key length change", lambda: stack(domain(dkim={"keyLength": "RSA_1024_BIT"})),
        lambda: stack(domain(dkim={"keyLength": "RSA_2048_BIT"})), "deploy/dkim_signing_origin_ops.py apply_signing",
        key_length),
    Row("MAIL FROM changed", lambda: stack(domain()), lambda: stack(domain(mailFrom="mail")),
        "sesv2/email_identity_mail_from_attributes.go resourceEmailIdentityMailFromAttributesUpdate", mail_from_changed),
    Row("MAIL FROM removed", lambda: stack(domain()), lambda: stack({**domain(), "mailFrom": None}),
        "sesv2/email_identity_mail_from_attributes.go resourceEmailIdentityMailFromAttributesDelete", mail_from_removed),
    Row("DMARC removed", lambda: stack(domain()), lambda: stack({**domain(), "dmarc": None}),
        "route53/record.go resourceRecordDelete", dmarc_removed),
    Row("configuration set options removed", lambda: stack(domain(), configurationSets=[SET_A], dedicatedIpPools=POOLS),
        lambda: stack(domain(), configurationSets=[SET_B], dedicatedIpPools=POOLS),
        "sesv2/configuration_set.go resourceConfigurationSetUpdate", set_options_removed),
    Row("event destination sink changed", lambda: stack(domain(), configurationSets=[SET_B]),
        lambda: stack(domain(), configurationSets=[SINK_B]),
        "sesv2/configuration_set_event_destination.go resourceConfigurationSetEventDestinationUpdate", sink_changed),
    Row("replica region added", lambda: stack(domain()), lambda: stack(domain(replicaRegions=["us-east-1"])),
        "sesv2/email_identity.go resourceEmailIdentityCreate", replica_added),
    Row("replica region removed", lambda: stack(domain(replicaRegions=["us-east-1"])), lambda: stack(domain()),
        "sesv2/email_identity.go resourceEmailIdentityDelete", replica_removed),
    Row("global endpoint added", lambda: stack(domain(replicaRegions=["us-east-1"])),
        lambda: stack(domain(replicaRegions=["us-east-1"]), globalEndpoint=ENDPOINT),
        "sesv2/multi_region_endpoint.go multiRegionEndpointResource.Create", endpoint_added),
    Row("global endpoint removed", lambda: stack(domain(replicaRegions=["us-east-1"]), globalEndpoint=ENDPOINT),
        lambda: stack(domain(replicaRegions=["us-east-1"])),
        "sesv2/multi_region_endpoint.go multiRegionEndpointResource.Delete", endpoint_removed),
    Row("global endpoint added to a domain with a set and alarms", with_set_and_alarms,
        lambda: with_set_and_alarms(globalEndpoint={**ENDPOINT, "alarmTopics": {"us-east-1": US_ALARM_TOPIC}}),
        "sesv2/email_identity.go resourceEmailIdentityUpdate (configuration_set_name); "
        "cloudwatch/metric_alarm.go resourceMetricAlarmCreate", endpoint_added_to_a_domain_with_a_set),
    Row("global endpoint removed from a domain with a set and alarms",
        lambda: with_set_and_alarms(globalEndpoint={**ENDPOINT, "alarmTopics": {"us-east-1": US_ALARM_TOPIC}}),
        with_set_and_alarms,
        "sesv2/email_identity.go resourceEmailIdentityUpdate (configuration_set_name removed)",
        endpoint_removed_from_a_domain_with_a_set),
    Row("template edited", lambda: stack(domain(), templates=TEMPLATE_A), lambda: stack(domain(), templates=TEMPLATE_B),
        "ses/template.go resourceTemplateUpdate", template_edited),
    Row("pool scaling mode changed", lambda: stack(domain(), dedicatedIpPools=[{"name": "bulk", "scalingMode": "STANDARD"}]),
        lambda: stack(domain(), dedicatedIpPools=[{"name": "bulk", "scalingMode": "MANAGED"}]),
        "sesv2/dedicated_ip_pool.go schema (scaling_mode ForceNew), resourceDedicatedIPPoolDelete/Create",
        pool_mode_changed),
    Row("feedback forwarding removed",
        lambda: stack(domain(configurationSet="transactional", feedbackForwarding=False), configurationSets=[SET_B]),
        lambda: stack(domain(configurationSet="transactional"), configurationSets=[SET_B]),
        "sesv2/email_identity_feedback_attributes.go resourceEmailIdentityFeedbackAttributesUpdate", forwarding_removed),
    Row("existingRecords stop -> adopt", lambda: stack(domain(existingRecords="stop")),
        lambda: stack(domain(existingRecords="adopt")), "route53/record.go schema (allow_overwrite Optional+Computed)",
        stop_to_adopt),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_transition(row: Row):
    t = second_up(row.before(), row.after())

    row.check(t)
    assert not t.violations(), "\n".join(str(v) for v in t.violations())
    # Every change that sends something names the provider (or own) function it follows.
    assert all(c.follows for c in t.acting() if c.requests), [(c.name, c.follows) for c in t.acting()]
    assert row.follows


def test_the_provider_alone_would_send_aws_ses_with_the_byodkim_key():
    """Why the identity ignores its DKIM block after create: without it, the provider's plan keeps
    next_signing_key_length from state (Optional+Computed) and resourceEmailIdentityUpdate ->
    getSigningAttributesOrigin sends origin AWS_SES beside the selector and key (issue 20, 1)."""
    run_a = run_program(stack(domain()))
    run_b = run_program(stack(domain(dkim=byodkim("s2026a", "a"))), mocks=CarriedOver(run_a))
    before, after = resources_of(run_a), resources_of(run_b)
    urn = next(u for u, r in after.items() if r.type == IDENTITY)
    assert after[urn].ignore_changes == ("dkimSigningAttributes",)
    after[urn].ignore_changes = ()

    change = judge(before[urn], after[urn], Context(zone_names={}, role_names={}))

    put = change.requests[-1]
    assert change.follows == "sesv2/email_identity.go resourceEmailIdentityUpdate"
    assert put.params["SigningAttributesOrigin"] == "AWS_SES"
    assert set(put.params["SigningAttributes"]) == {"DomainSigningSelector", "DomainSigningPrivateKey",
                                                    "NextSigningKeyLength"}


def test_every_replica_is_switched_too():
    t = second_up(stack(domain(replicaRegions=["us-east-1"])),
                  stack(domain(replicaRegions=["us-east-1"], dkim=byodkim("s2026a", "a"))))

    switched = {c.name: c.requests[-1].params for c in t.of_type(SIGNING) if c.action == UPDATE}
    assert set(switched) == {"example.com-dkim-signing", "example.com-us-east-1-dkim-signing"}
    assert {p["SigningAttributesOrigin"] for p in switched.values()} == {"EXTERNAL"}
    assert t.by_name("example.com-us-east-1", IDENTITY).action == UNCHANGED
    replica_step = t.after[t.by_name("example.com-us-east-1-dkim-signing").urn]
    assert t.by_name("example.com-dkim-key-published").urn in replica_step.dependencies


def test_a_rotation_keeps_the_previous_selectors_record_in_place():
    """Rotation s2026a -> s2026b (previous: s2026a): s2026a's TXT record is untouched. Before the fix
    ``<domain>-dkim-key`` was replaced (its name is ForceNew) and ``<domain>-dkim-previous-key``
    created: route53/record.go resourceRecordCreate sent CREATE for s2026a._domainkey
    (allow_overwrite false), which Route 53 refuses while the old resource still holds that record
    set, and the replacement's Delete at the end of the update would have removed it anyway."""
    t = second_up(stack(domain(dkim=byodkim("s2026a", "a"))),
                  stack(domain(dkim=byodkim("s2026b", "b", previous={"selector": "s2026a",
                                                                      "publicKey": public_pem(2048, name="a")}))))

    touched = [(c.name, change["Action"]) for c in t.acting() for r in c.requests
               for change in r.params.get("ChangeBatch", {}).get("Changes", [])
               if change["ResourceRecordSet"]["Name"] == "s2026a._domainkey.example.com"]
    assert touched == []


def test_a_rotation_from_start_to_end_writes_only_the_new_record_and_retires_the_old_one():
    """Steady on s2026a, the rotation's start, steady during it, its end, steady on s2026b: each
    record set stays with one resource state throughout (never replaced: the engine takes it over
    through an alias where its resource's name changes); Route 53 sees one CREATE (s2026b, at the
    start) and one DELETE (s2026a, at the end of the update that ends the rotation)."""
    before, during, after = (stack(domain(dkim=byodkim("s2026a", "a"))), stack(domain(dkim=ROTATING)),
                             stack(domain(dkim=byodkim("s2026b", "b"))))
    sent, moved = [], []
    for config_a, config_b in [(before, before), (before, during), (during, during), (during, after), (after, after)]:
        t = second_up(config_a, config_b)
        records = t.of_type(RECORD)
        assert not [c.name for c in records if c.action in (REPLACE, UPDATE)]
        sent += [change for c in records for change in record_changes(c)]
        moved += [(c.aliased_from.rsplit("::", 1)[1], c.name) for c in records if c.aliased_from]

    assert sent == [("CREATE", "s2026b._domainkey.example.com"), ("DELETE", "s2026a._domainkey.example.com")]
    assert moved == [("example.com-dkim-key", "example.com-dkim-key-s2026a"),
                     ("example.com-dkim-key-s2026b", "example.com-dkim-key")]


def _resource(name: str, *aliases: str) -> Resource:
    urn = f"urn:pulumi:test::p::aws:route53/record:Record::{name}"
    return Resource(urn, RECORD, name, {}, aliases=tuple(f"urn:pulumi:test::p::aws:route53/record:Record::{a}"
                                                         for a in aliases))


def test_the_engine_takes_a_resources_own_state_before_an_alias():
    """step_generator.go generateSteps: own URN first; the aliased state it does not take is left
    to be deleted."""
    before = {r.urn: r for r in (_resource("d-dkim-key"), _resource("d-dkim-key-s1"))}
    after = {r.urn: r for r in (_resource("d-dkim-key", "d-dkim-key-s1"),)}

    assert matched_states(before, after) == {after_urn: after_urn for after_urn in after}


def test_the_engine_refuses_two_resources_taking_one_alias():
    before = {r.urn: r for r in (_resource("d-dkim-key"),)}
    after = {r.urn: r for r in (_resource("d-dkim-key-s1", "d-dkim-key"), _resource("d-dkim-key-s2", "d-dkim-key"))}

    with pytest.raises(EngineRefusal, match="already taken"):
        matched_states(before, after)


def test_the_engine_refuses_an_alias_that_names_a_resource_of_the_run():
    before = {r.urn: r for r in (_resource("d-dkim-key"),)}
    after = {r.urn: r for r in (_resource("d-dkim-key"), _resource("d-dkim-key-s1", "d-dkim-key"))}

    with pytest.raises(EngineRefusal, match="another resource of this run"):
        matched_states(before, after)


OLD_ROTATION_NAMES = {"example.com-dkim-key-s2026b": "example.com-dkim-key",
                      "example.com-dkim-key-s2026a": "example.com-dkim-previous-key"}
"""A rotation as ses-domains declared it before the records were named by selector."""


def test_a_rotation_an_earlier_version_declared_keeps_its_records_in_place():
    """The zone holds the new selector's record as the stack's own: each record's resource takes
    over the state that holds its name (``-dkim-key``: the new selector's, ``-dkim-previous-key``:
    the previous one's)."""
    t = second_up(stack(domain(dkim=ROTATING)), stack(domain(dkim=ROTATING)), renamed=OLD_ROTATION_NAMES)

    records = {c.name: (c.action, c.aliased_from.rsplit("::", 1)[-1]) for c in t.of_type(RECORD) if "dkim-key" in c.name}
    assert records == {"example.com-dkim-key-s2026b": (UNCHANGED, "example.com-dkim-key"),
                       "example.com-dkim-key-s2026a": (UNCHANGED, "example.com-dkim-previous-key")}
    assert t.acting() == []


def test_the_end_of_a_rotation_an_earlier_version_declared_retires_the_previous_record():
    t = second_up(stack(domain(dkim=ROTATING)), stack(domain(dkim=byodkim("s2026b", "b"))), renamed=OLD_ROTATION_NAMES)

    assert t.by_name("example.com-dkim-key").action == UNCHANGED
    retired = t.by_name("example.com-dkim-previous-key")
    assert retired.action == DELETE and record_changes(retired) == [("DELETE", "s2026a._domainkey.example.com")]
    assert [c.name for c in t.of_type(RECORD) if c.action != UNCHANGED] == ["example.com-dkim-previous-key"]
