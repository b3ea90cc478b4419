"""Configuration set options AWS would refuse or silently get wrong, fixed and checked.

- A tracking domain under a domain of the stack: the set is created without it, and a
  ``TrackingOptions`` dynamic resource puts it after the verification step (SES refuses a tracking
  domain whose parent identity is not verified), while the identity still names the set as its
  default: the real program under mocks, its exact resources, inputs and dependencies.
- ``suppressedReasons: []``: a ``SuppressionOff`` dynamic resource sends the empty list itself
  (terraform-provider-aws ``resourceConfigurationSetUpdate`` drops an empty list).
- Both providers against a real ``sesv2`` client under botocore's ``Stubber``: the exact requests
  (and, for the empty list, the JSON body on the wire), SES's refusals, retries and the deadline.
- The Firehose role a destination without ``roleArn`` gets: at most 64 characters (IAM's limit).
"""

from __future__ import annotations

import json
import re
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

import boto3
import pytest
from botocore.stub import Stubber
from pulumi.dynamic.dynamic import serialize_provider

from ses_domains.deploy import set_options_ops
from ses_domains.deploy.set_options import SuppressionOffProvider, TrackingOptionsProvider
from ses_domains.deploy.set_options_ops import SetOptionsError
from ses_domains.engine.ses.policy import Backoff
from tests import pulumi_program
from tests.pulumi_program import run_program
from tests.wall_clock import assert_no_hang

CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
TRACKING_OPTIONS = "pulumi-python:dynamic/ses-domains:TrackingOptions"
SUPPRESSION_OFF = "pulumi-python:dynamic/ses-domains:SuppressionOff"
ROLE = "aws:iam/role:Role"
DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
STREAM = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses-events"
AWS = {"region": "eu-west-1", "profile": None}
DECLARED_AWS = {"region": "eu-west-1"}  # mocks drop inputs that are None


# ------------------------------------------------------------------------------------------ helpers

@contextmanager
def ignore_changes_recorded(monkeypatch) -> Iterator[dict[str, list[str]]]:
    """Per resource name, the ``ignoreChanges`` it was registered with, for runs inside the block."""
    ignored: dict[str, list[str]] = {}

    class Monitor(pulumi_program.RecordingMonitor):
        def RegisterResource(self, request):
            ignored[request.name] = list(request.ignoreChanges)
            return super().RegisterResource(request)

    monkeypatch.setattr(pulumi_program, "RecordingMonitor", Monitor)
    yield ignored


def plain_inputs(declared) -> dict:
    """A dynamic resource's inputs without the pickled provider."""
    return {k: v for k, v in declared.inputs.items() if k != "__provider"}


def urn_of(run, type_: str, name: str) -> str:
    (urn,) = [u for u in run.urns if u.endswith(f"{type_}::{name}")]
    return urn


def dependency_graph(run) -> dict[str, set[str]]:
    """URN -> URNs it depends on, for every resource registered."""
    graph = {}
    for urn in run.urns:
        name = urn.rsplit("::", 1)[1]
        graph[urn] = set(run.dependencies.get(name, []))
    return graph


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(graph[start])
    while todo:
        urn = todo.pop()
        if urn == goal:
            return True
        if urn not in seen:
            seen.add(urn)
            todo.extend(graph.get(urn, ()))
    return False


class StubbedSes:
    """A real ``sesv2`` client with scripted answers; ``bodies`` keeps the JSON each request sent."""

    def __init__(self) -> None:
        self.client = boto3.client("sesv2", region_name="eu-west-1", aws_access_key_id="x",
                                   aws_secret_access_key="x")
        self.bodies: list[tuple[str, Any]] = []
        self.client.meta.events.register_first("before-call.*.*", self._keep_body)
        self.stubber = Stubber(self.client)
        self.stubber.activate()

    def _keep_body(self, model, params, **_kwargs):
        self.bodies.append((model.name, json.loads(params.get("body") or b"{}")))

    def answer(self, operation: str, params: dict, response: dict | None = None) -> None:
        self.stubber.add_response(operation, response or {}, params)

    def refuse(self, operation: str, params: dict, code: str, status: int, message: str = "") -> None:
        self.stubber.add_client_error(operation, service_error_code=code, service_message=message,
                                      http_status_code=status, expected_params=params)


@pytest.fixture
def ses(monkeypatch):
    stub = StubbedSes()
    made = []

    def client(settings, timeouts):
        made.append((settings, timeouts))
        return stub.client

    monkeypatch.setattr(set_options_ops, "sesv2_client", client)
    monkeypatch.setattr(set_options_ops, "RETRY", Backoff(initial=0.01, factor=2.0, cap=0.05))
    stub.made = made
    yield stub
    stub.stubber.assert_no_pending_responses()


def tracking_stack(**domain_changes):
    return {
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "transactional", "trackingDomain": "click.example.com"}],
        "ses-domains:domains": [{"domain": "example.com", "configurationSet": "transactional", **domain_changes}],
    }


# --------------------------------------------------------------------- tracking domain, the program

def test_a_fresh_stack_sets_its_tracking_domain_only_after_the_parent_identity_verified(monkeypatch):
    with ignore_changes_recorded(monkeypatch) as ignored:
        run = run_program(tracking_stack())

    (configuration_set,) = run.of_type(CONFIGURATION_SET)
    assert "trackingOptions" not in configuration_set.inputs
    # The provider's Update would send PutConfigurationSetTrackingOptions without a domain if the
    # set declared none while SES has one: it must leave what TrackingOptions put alone.
    assert ignored["transactional"] == ["trackingOptions"]
    (identity,) = run.of_type(IDENTITY)
    assert identity.inputs["configurationSetName"] == "transactional"

    (tracking,) = run.of_type(TRACKING_OPTIONS)
    assert tracking.name == "transactional-tracking-options"
    assert plain_inputs(tracking) == {"configurationSetName": "transactional", "trackingDomain": "click.example.com",
                                      "httpsPolicy": "OPTIONAL", "aws": DECLARED_AWS}

    graph = dependency_graph(run)
    set_urn = urn_of(run, CONFIGURATION_SET, "transactional")
    identity_urn = urn_of(run, IDENTITY, "example.com")
    verification_urn = urn_of(run, "pulumi-python:dynamic/ses-domains:Verification", "verification")
    tracking_urn = urn_of(run, TRACKING_OPTIONS, "transactional-tracking-options")
    record_urn = urn_of(run, "aws:route53/record:Record", "transactional-tracking")
    assert {verification_urn, record_urn, set_urn} <= graph[tracking_urn]
    # set <- identity <- verification <- tracking options, and nothing the other way round.
    assert reaches(graph, identity_urn, set_urn)
    assert reaches(graph, verification_urn, identity_urn)
    assert not reaches(graph, set_urn, identity_urn)
    assert not any(reaches(graph, urn, urn) for urn in graph), "a dependency cycle"


def test_the_tracking_domain_waits_for_its_closest_parent_domain():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "news", "trackingDomain": "click.news.example.com"}],
        "ses-domains:domains": [{"domain": "example.com", "verify": {"enabled": False}},
                                {"domain": "news.example.com", "zone": "example.com", "configurationSet": "news"}],
    })

    graph = dependency_graph(run)
    tracking_urn = urn_of(run, TRACKING_OPTIONS, "news-tracking-options")
    verification_urn = urn_of(run, "pulumi-python:dynamic/ses-domains:Verification", "verification")
    assert verification_urn in graph[tracking_urn]
    warnings = [r.getMessage() for r in run.logs if r.levelname == "WARNING"]
    assert not any("verify.enabled false" in w for w in warnings), warnings


def test_a_parent_domain_not_verified_by_the_stack_still_goes_first_and_is_named():
    run = run_program(tracking_stack(verify={"enabled": False}))

    assert run.of_type("pulumi-python:dynamic/ses-domains:Verification") == []
    graph = dependency_graph(run)
    tracking_urn = urn_of(run, TRACKING_OPTIONS, "transactional-tracking-options")
    assert urn_of(run, IDENTITY, "example.com") in graph[tracking_urn]
    assert all(urn_of(run, "aws:route53/record:Record", f"example.com-dkim-{i}") in graph[tracking_urn] for i in (1, 2, 3))
    warnings = [r.getMessage() for r in run.logs if r.levelname == "WARNING"]
    assert any("ses-domains:configurationSets[0].trackingDomain" in w and "example.com has verify.enabled false" in w
               for w in warnings), warnings


def test_a_tracking_domain_outside_the_stack_is_still_set_after_its_set():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "ext", "trackingDomain": "click.example.io"}],
        "ses-domains:domains": [{"domain": "example.com"}],
    })

    (tracking,) = run.of_type(TRACKING_OPTIONS)
    assert plain_inputs(tracking)["trackingDomain"] == "click.example.io"
    graph = dependency_graph(run)
    assert graph[urn_of(run, TRACKING_OPTIONS, "ext-tracking-options")] == {urn_of(run, CONFIGURATION_SET, "ext")}


# ------------------------------------------------------------------- tracking domain, the provider

TRACKING_PROPS = {"configurationSetName": "transactional", "trackingDomain": "click.example.com",
                  "httpsPolicy": "OPTIONAL", "aws": AWS}


def test_tracking_create_puts_the_domain_and_delete_goes_back_to_ses_own(ses):
    ses.answer("put_configuration_set_tracking_options", {
        "ConfigurationSetName": "transactional", "CustomRedirectDomain": "click.example.com", "HttpsPolicy": "OPTIONAL"})
    ses.answer("put_configuration_set_tracking_options", {"ConfigurationSetName": "transactional"})

    created = TrackingOptionsProvider().create(dict(TRACKING_PROPS))
    TrackingOptionsProvider().delete(created.id, created.outs)

    assert created.outs == TRACKING_PROPS
    assert ses.bodies == [("PutConfigurationSetTrackingOptions",
                           {"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "OPTIONAL"}),
                          ("PutConfigurationSetTrackingOptions", {})]
    # Each call gets a client made for it, with the stack's region and profile.
    assert [settings.region for settings, _ in ses.made] == ["eu-west-1", "eu-west-1"]


def test_tracking_refused_by_ses_says_why_and_what_to_do(ses):
    ses.refuse("put_configuration_set_tracking_options", {
        "ConfigurationSetName": "transactional", "CustomRedirectDomain": "click.example.com", "HttpsPolicy": "OPTIONAL"},
        "BadRequestException", 400, "Domain click.example.com is not verified")

    with pytest.raises(SetOptionsError) as raised:
        TrackingOptionsProvider().create(dict(TRACKING_PROPS))

    message = str(raised.value)
    assert "SES refused the tracking domain click.example.com for configuration set transactional" in message
    assert "BadRequestException: Domain click.example.com is not verified" in message
    assert "verified for sending" in message and "pulumi up" in message


def test_tracking_is_retried_after_throttling(ses):
    params = {"ConfigurationSetName": "transactional", "CustomRedirectDomain": "click.example.com",
              "HttpsPolicy": "OPTIONAL"}
    ses.refuse("put_configuration_set_tracking_options", params, "TooManyRequestsException", 429)
    ses.refuse("put_configuration_set_tracking_options", params, "InternalFailure", 500)
    ses.answer("put_configuration_set_tracking_options", params)

    TrackingOptionsProvider().create(dict(TRACKING_PROPS))

    assert len(ses.bodies) == 3


def test_tracking_refresh_shows_a_domain_changed_outside_the_stack(ses):
    ses.answer("get_configuration_set", {"ConfigurationSetName": "transactional"},
               {"ConfigurationSetName": "transactional", "TrackingOptions": {"CustomRedirectDomain": "other.example.com"}})

    read = TrackingOptionsProvider().read("transactional/tracking", dict(TRACKING_PROPS))

    assert read.outs["trackingDomain"] == "other.example.com"
    assert TrackingOptionsProvider().diff("transactional/tracking", read.outs, dict(TRACKING_PROPS)).changes is True
    assert TrackingOptionsProvider().diff("transactional/tracking", dict(TRACKING_PROPS), dict(TRACKING_PROPS)).changes is False


def test_a_silent_ses_endpoint_ends_the_operation_at_its_deadline(monkeypatch):
    released = threading.Event()

    class Silent:
        def put_configuration_set_tracking_options(self, **_request):
            released.wait(30)

    monkeypatch.setattr(set_options_ops, "sesv2_client", lambda settings, timeouts: Silent())
    monkeypatch.setattr(set_options_ops, "OPERATION_DEADLINE_S", 1.5)
    started = time.monotonic()
    try:
        with pytest.raises(SetOptionsError) as raised:
            TrackingOptionsProvider().create(dict(TRACKING_PROPS))
    finally:
        released.set()

    assert_no_hang(time.monotonic() - started, 1.5)  # OPERATION_DEADLINE_S
    assert "did not complete PutConfigurationSetTrackingOptions within 2s" in str(raised.value)


def test_the_providers_are_pickled_by_reference_and_hold_nothing():
    for provider, path in ((TrackingOptionsProvider(), "TrackingOptionsProvider"),
                           (SuppressionOffProvider(), "SuppressionOffProvider")):
        serialized = __import__("base64").b64decode(serialize_provider(provider))
        assert f"ses_domains.deploy.set_options".encode() in serialized and path.encode() in serialized
        assert b"boto" not in serialized
        assert vars(provider) == {}


# ------------------------------------------------------------------------------- suppression off

def test_empty_suppressed_reasons_declare_a_suppression_off_step_after_the_set():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "no-suppression", "suppressedReasons": []},
                                          {"name": "bounces", "suppressedReasons": ["BOUNCE"]},
                                          {"name": "account"}],
        "ses-domains:domains": [{"domain": "example.net"}],
    })

    (off,) = run.of_type(SUPPRESSION_OFF)
    assert off.name == "no-suppression-suppression-off"
    assert plain_inputs(off) == {"configurationSetName": "no-suppression", "aws": DECLARED_AWS}
    assert urn_of(run, CONFIGURATION_SET, "no-suppression") in dependency_graph(run)[
        urn_of(run, SUPPRESSION_OFF, "no-suppression-suppression-off")]
    # The set itself still declares the empty list, so the provider sees no difference to undo.
    sets = {r.name: r.inputs.get("suppressionOptions") for r in run.of_type(CONFIGURATION_SET)}
    assert sets == {"no-suppression": {"suppressedReasons": []}, "bounces": {"suppressedReasons": ["BOUNCE"]},
                    "account": None}


SUPPRESSION_PROPS = {"configurationSetName": "no-suppression", "aws": AWS, "suppressedReasons": None}


def test_suppression_off_sends_an_explicit_empty_list_on_the_wire(ses):
    ses.answer("put_configuration_set_suppression_options",
               {"ConfigurationSetName": "no-suppression", "SuppressedReasons": []})
    ses.answer("put_configuration_set_suppression_options",
               {"ConfigurationSetName": "no-suppression", "SuppressedReasons": []})

    created = SuppressionOffProvider().create(dict(SUPPRESSION_PROPS))
    updated = SuppressionOffProvider().update(created.id, created.outs, dict(SUPPRESSION_PROPS))
    SuppressionOffProvider().delete(created.id, updated.outs)  # no call: the stubber would fail on one

    assert ses.bodies == [("PutConfigurationSetSuppressionOptions", {"SuppressedReasons": []})] * 2
    assert created.outs["suppressedReasons"] == [] and updated.outs["suppressedReasons"] == []


def test_suppression_refresh_and_diff(ses):
    ses.answer("get_configuration_set", {"ConfigurationSetName": "no-suppression"},
               {"ConfigurationSetName": "no-suppression", "SuppressionOptions": {"SuppressedReasons": ["BOUNCE"]}})
    ses.answer("get_configuration_set", {"ConfigurationSetName": "no-suppression"},
               {"ConfigurationSetName": "no-suppression", "SuppressionOptions": {"SuppressedReasons": []}})
    applied = {**SUPPRESSION_PROPS, "suppressedReasons": []}

    drifted = SuppressionOffProvider().read("id", dict(applied))
    intact = SuppressionOffProvider().read("id", dict(applied))

    provider = SuppressionOffProvider()
    assert drifted.outs["suppressedReasons"] == ["BOUNCE"]
    assert provider.diff("id", drifted.outs, dict(SUPPRESSION_PROPS)).changes is True
    assert provider.diff("id", intact.outs, dict(SUPPRESSION_PROPS)).changes is False
    assert provider.diff("id", applied, {**SUPPRESSION_PROPS, "configurationSetName": "renamed"}).changes is True


def test_suppression_off_on_a_set_that_is_gone_says_so(ses):
    ses.refuse("put_configuration_set_suppression_options",
               {"ConfigurationSetName": "no-suppression", "SuppressedReasons": []}, "NotFoundException", 404)

    with pytest.raises(SetOptionsError, match="SES has no configuration set no-suppression"):
        SuppressionOffProvider().create(dict(SUPPRESSION_PROPS))


# --------------------------------------------------------------------------------- Firehose role

LONG_SET = "s" * 60 + "-set"
LONG_DESTINATION_A = "d" * 62 + "-a"
LONG_DESTINATION_B = "d" * 62 + "-b"


def test_a_created_firehose_role_name_fits_iam_for_64_character_set_and_destination_names():
    assert len(LONG_SET) == len(LONG_DESTINATION_A) == 64
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": LONG_SET, "eventDestinations": [
            {"name": LONG_DESTINATION_A, "events": ["SEND"], "firehose": {"deliveryStreamArn": STREAM}},
            {"name": LONG_DESTINATION_B, "events": ["SEND"], "firehose": {"deliveryStreamArn": STREAM}},
        ]}],
        "ses-domains:domains": [{"domain": "example.net"}],
    })

    names = sorted(r.inputs["name"] for r in run.of_type(ROLE))
    assert len(names) == 2 and len(set(names)) == 2
    for name in names:
        assert len(name) <= 64
        assert re.fullmatch(r"[\w+=,.@-]+", name)
        assert name.startswith("ses-" + "s" * 20)
        assert re.search(r"-[0-9a-f]{8}$", name)
    # The destination gets the role created under that name.
    role_names = {r.name: r.inputs["name"] for r in run.of_type(ROLE)}
    for destination in run.of_type(DESTINATION):
        arn = destination.inputs["eventDestination"]["kinesisFirehoseDestination"]["iamRoleArn"]
        assert arn.endswith(f"role/{destination.name}-firehose-id")
        assert destination.name + "-firehose" in role_names


def test_a_short_firehose_role_name_is_readable_and_differs_per_stack():
    config = {
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "transactional", "eventDestinations": [
            {"name": "lake", "events": ["SEND"], "firehose": {"deliveryStreamArn": STREAM}}]}],
        "ses-domains:domains": [{"domain": "example.net"}],
    }
    (dev,) = run_program(config, stack="dev").of_type(ROLE)
    (prod,) = run_program(config, stack="prod").of_type(ROLE)

    assert re.fullmatch(r"ses-transactional-lake-[0-9a-f]{8}", dev.inputs["name"])
    assert dev.inputs["name"] != prod.inputs["name"]
