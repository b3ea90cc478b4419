"""Two runs of the program (config A deployed, then config B) -> what the second ``pulumi up`` does.

Per resource, matched by URN (then by its aliases, as Pulumi's engine does: ``matched_states``):
unchanged, update in place, replace, create or delete, and the API request(s) each step sends,
built as terraform-provider-aws builds them from the state it keeps:

- **State after A** (``state_of``): the inputs A declared, plus what the provider's Read stores
  that matters for the next plan (``READ_STORES``: an Easy DKIM identity's
  ``next_signing_key_length`` from SES's ``NextSigningKeyLength``).
- **Plan for B** (``planned``): B's inputs; an Optional+Computed attribute (``KEPT_FROM_STATE``) that
  B leaves out keeps its state value; properties named in the resource's ``ignoreChanges`` keep
  theirs too (Pulumi).
- **Replace** when a ForceNew attribute differs (``FORCE_NEW``, from each type's schema), else
  **update** when anything differs, with the requests of the type's Update function
  (``UPDATES``); a removed resource is deleted with its Delete function's request (``DELETES``).
- Our own dynamic resources decide with their provider's ``diff`` (the pickled provider itself).

Every row cites the provider file and function it follows (hashicorp/terraform-provider-aws,
``internal/service/...``, read through the search tool in 2026); where a function was not read
the change carries a note saying so and no request is invented. ``ordered_steps`` gives the order
Pulumi runs them in: creates, updates and replacements in dependency order, then the deletes of
removed resources at the end of the update (reverse dependency order).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional

import dill

from tests.aws_rules.requests import (
    COMPONENT_PREFIX, MAPPINGS, ApiRequest, Context, _event_destination, _plain, _record, _set, _template,
    generated_name, vdm_options,
)
from tests.aws_rules.validate import Violation, validate_request

UNCHANGED, UPDATE, REPLACE, CREATE, DELETE = "unchanged", "update", "replace", "create", "delete"

EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
FEEDBACK = "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
EVENT_DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
POOL = "aws:sesv2/dedicatedIpPool:DedicatedIpPool"
TEMPLATE = "aws:ses/template:Template"
RECORD = "aws:route53/record:Record"
ENDPOINT = "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint"
DYNAMIC = "pulumi-python:dynamic/"

SES_EASY_DKIM_NEXT_KEY_LENGTH = "RSA_2048_BIT"
"""What SES reports as ``NextSigningKeyLength`` for an Easy DKIM identity created without one
(SES's default key length, SES Developer Guide "Easy DKIM")."""

FORCE_NEW: dict[str, tuple[str, ...]] = {
    # sesv2/email_identity.go schema: email_identity ForceNew; region: the provider's per-resource
    # region attribute (pulumi-aws 7) moves a resource only by replacing it.
    EMAIL_IDENTITY: ("emailIdentity", "region"),
    # email_identity_mail_from_attributes.go / email_identity_feedback_attributes.go: email_identity ForceNew.
    MAIL_FROM: ("emailIdentity", "region"),
    FEEDBACK: ("emailIdentity", "region"),
    # configuration_set.go: configuration_set_name ForceNew.
    CONFIGURATION_SET: ("configurationSetName", "region"),
    # configuration_set_event_destination.go: configuration_set_name, event_destination_name ForceNew.
    EVENT_DESTINATION: ("configurationSetName", "eventDestinationName", "region"),
    # dedicated_ip_pool.go: pool_name and scaling_mode ForceNew (Update: tags only).
    POOL: ("poolName", "scalingMode", "region"),
    # ses/template.go: name ForceNew.
    TEMPLATE: ("name", "region"),
    # route53/record.go: name and zone_id ForceNew (type is not: resourceRecordUpdate handles it).
    RECORD: ("name", "zoneId"),
    # multi_region_endpoint.go: framework.WithNoUpdate; endpoint_name and routes_details.region
    # RequiresReplace, tags ForceNew: every change replaces.
    ENDPOINT: ("endpointName", "details", "tags", "region"),
}

KEPT_FROM_STATE: dict[str, tuple[str, ...]] = {
    # email_identity.go: dkim_signing_attributes Optional+Computed, and in it
    # next_signing_key_length Optional+Computed.
    EMAIL_IDENTITY: ("dkimSigningAttributes", "dkimSigningAttributes.nextSigningKeyLength"),
    # configuration_set.go: reputation_options and sending_options Optional+Computed.
    CONFIGURATION_SET: ("reputationOptions", "sendingOptions"),
    # dedicated_ip_pool.go: scaling_mode Optional+Computed.
    POOL: ("scalingMode",),
    # route53/record.go: allow_overwrite Optional+Computed.
    RECORD: ("allowOverwrite",),
}

SCHEMA_DEFAULTS: dict[str, dict[str, Any]] = {
    # email_identity_mail_from_attributes.go: behavior_on_mx_failure Default USE_DEFAULT_VALUE.
    MAIL_FROM: {"behaviorOnMxFailure": "USE_DEFAULT_VALUE"},
    # email_identity_feedback_attributes.go: email_forwarding_enabled Default false.
    FEEDBACK: {"emailForwardingEnabled": False},
}


@dataclass
class Resource:
    urn: str
    type: str
    name: str
    inputs: dict
    dependencies: tuple[str, ...] = ()
    ignore_changes: tuple[str, ...] = ()
    delete_before_replace: bool = False
    aliases: tuple[str, ...] = ()
    """The URNs of its ``aliases`` option, in the order given."""


@dataclass
class Change:
    urn: str
    type: str
    name: str
    action: str
    requests: list[ApiRequest] = field(default_factory=list)
    follows: str = ""
    changed: tuple[str, ...] = ()
    """The top-level properties whose planned value differs from state."""
    notes: list[str] = field(default_factory=list)
    aliased_from: str = ""
    """The URN of A's resource whose state this one took over through an alias."""

    def operations(self) -> list[str]:
        return [r.operation for r in self.requests]


@dataclass
class Transition:
    before: dict[str, Resource]
    after: dict[str, Resource]
    changes: dict[str, Change]

    def by_name(self, name: str, type_: Optional[str] = None) -> Change:
        found = [c for c in self.changes.values() if c.name == name and (type_ is None or c.type == type_)]
        assert len(found) == 1, f"{name}: {[(c.type, c.name) for c in found]}"
        return found[0]

    def of_type(self, type_: str) -> list[Change]:
        return [c for c in self.changes.values() if c.type == type_]

    def acting(self) -> list[Change]:
        return [c for c in self.changes.values() if c.action != UNCHANGED]

    def requests(self) -> list[ApiRequest]:
        return [r for c in self.changes.values() for r in c.requests]

    def violations(self) -> list[Violation]:
        return [v for r in self.requests() for v in validate_request(r)]

    def ordered_steps(self) -> list[tuple[str, str]]:
        """(action, urn) in the order Pulumi runs them: creates, updates and replacements as their
        dependencies (in B's graph) are done; then the deletes of removed resources, dependents
        first (A's graph)."""
        order: list[tuple[str, str]] = []
        done: set[str] = set()

        def visit(urn: str) -> None:
            if urn in done or urn not in self.after:
                return
            done.add(urn)
            for dependency in self.after[urn].dependencies:
                visit(dependency)
            action = self.changes[urn].action
            if action != UNCHANGED:
                order.append((action, urn))

        for urn in self.after:
            visit(urn)
        removed = [urn for urn, c in self.changes.items() if c.action == DELETE]
        deleted: list[str] = []

        def visit_delete(urn: str) -> None:
            if urn in deleted:
                return
            for other in removed:
                if urn in self.before[other].dependencies:
                    visit_delete(other)
            deleted.append(urn)

        for urn in removed:
            visit_delete(urn)
        return order + [(DELETE, urn) for urn in deleted]


# --- reading a run -------------------------------------------------------------------------------


def resources_of(run: Any) -> dict[str, Resource]:
    """Every declared resource of a ``tests.pulumi_program`` run by URN, with its dependencies and
    its ``ignoreChanges`` / ``deleteBeforeReplace`` options (from the monitor's registrations)."""
    urn_of: dict[tuple[str, str], str] = {}
    for urn in run.urns:
        _, _, qualified, name = urn.split("::", 3)
        urn_of[(qualified.split("$")[-1], name)] = urn
    options = {(r.type, r.name): r for r in run.monitor.registrations}
    registered = {(r.type, r.name): i for i, r in enumerate(run.monitor.registrations)}
    result = {}
    # In the order the program registered them: the engine matches aliases in that order.
    for declared in sorted(run.mocks.resources, key=lambda d: registered.get((d.type, d.name), len(registered))):
        urn = urn_of[(declared.type, declared.name)]
        registration = options.get((declared.type, declared.name))
        result[urn] = Resource(
            urn, declared.type, declared.name, dict(declared.inputs),
            tuple(run.typed_dependencies.get((declared.type, declared.name), ())),
            tuple(registration.ignoreChanges) if registration is not None else (),
            bool(registration.deleteBeforeReplace) if registration is not None else False,
            _alias_urns(urn, registration.aliases) if registration is not None else (),
        )
    return result


def _alias_urns(urn: str, aliases: Iterable[Any]) -> tuple[str, ...]:
    """The URNs the engine makes of a registration's alias specs (step_generator.go
    collapseAliasToUrn): a spec without parent, type, project or stack keeps the resource's own;
    only the name is given here."""
    found = []
    for alias in aliases:
        if alias.urn:
            found.append(alias.urn)
            continue
        spec = alias.spec
        assert not (spec.type or spec.parentUrn or spec.noParent or spec.project or spec.stack), (
            f"{urn}: alias spec {spec} is not modelled (only a new name under the same parent)")
        found.append(urn.rsplit("::", 1)[0] + "::" + (spec.name or urn.rsplit("::", 1)[1]))
    return tuple(found)


class EngineRefusal(Exception):
    """What Pulumi's engine refuses before any step runs (the update fails at preview)."""


def matched_states(before: Mapping[str, Resource], after: Mapping[str, Resource]) -> dict[str, str]:
    """For each of B's resources that has a state in A, the URN of that state: as
    pulumi/pkg/resource/deploy/step_generator.go generateSteps looks it up, its own URN first,
    then its aliases in order; the first found is taken. Refused (``EngineRefusal``), as there:
    a URN an earlier resource claimed as its alias, an alias that is an earlier resource's own
    URN, and an alias an earlier resource claimed. An A state found through an alias is not
    deleted at the end (GenerateDeletes skips what was aliased)."""
    matched: dict[str, str] = {}
    seen: set[str] = set()
    claimed: dict[str, str] = {}
    for urn, resource in after.items():
        seen.add(urn)
        if urn in claimed:
            raise EngineRefusal(f"{urn}: another resource ({claimed[urn]}) already took this URN as its alias")
        for candidate in (urn, *resource.aliases):
            if candidate not in before:
                continue
            if candidate != urn:
                if candidate in seen:
                    raise EngineRefusal(f"{urn}: its alias {candidate} is another resource of this run")
                if candidate in claimed:
                    raise EngineRefusal(f"{urn}: its alias {candidate} was already taken by {claimed[candidate]}")
                claimed[candidate] = urn
            matched[urn] = candidate
            break
    return matched


def state_of(resource: Resource) -> dict:
    """What the provider keeps in state after creating the resource from these inputs."""
    state = {key: _plain(value) for key, value in resource.inputs.items()}
    for key, value in SCHEMA_DEFAULTS.get(resource.type, {}).items():
        state.setdefault(key, value)
    read = READ_STORES.get(resource.type)
    return read(state) if read else state


def _identity_read(state: dict) -> dict:
    """email_identity.go resourceEmailIdentityRead -> flattenDKIMAttributes: next_signing_key_length
    is SES's NextSigningKeyLength (Easy DKIM: the declared length, else SES's default); selector and
    private key are kept from state."""
    dkim = dict(state.get("dkimSigningAttributes") or {})
    if not dkim.get("domainSigningSelector"):
        dkim["nextSigningKeyLength"] = dkim.get("nextSigningKeyLength") or SES_EASY_DKIM_NEXT_KEY_LENGTH
    state["dkimSigningAttributes"] = dkim
    return state


def _signing_step_read(state: dict) -> dict:
    """deploy/dkim_signing_origin.py create: the outputs keep the key's fingerprint, not the key."""
    from ses_domains.deploy.dkim_signing_origin_ops import key_fingerprint

    state["keyFingerprint"] = key_fingerprint(state.pop("privateKey", None))
    return state


def _key_step_read(state: dict) -> dict:
    """deploy/dkim_key_published.py create: ``publishedAt`` once the records were on every server."""
    state["publishedAt"] = "2026-01-01T00:00:00Z"
    return state


def _verification_read(state: dict) -> dict:
    """deploy/verification.py create: a result per domain job, each verified (A's up succeeded)."""
    state["results"] = {key: {"verified": True, "stage": "ses"} for key in state.get("domains") or {}}
    return state


READ_STORES: dict[str, Callable[[dict], dict]] = {
    "pulumi-python:dynamic/ses-domains:Verification": _verification_read,
    EMAIL_IDENTITY: _identity_read,
    "pulumi-python:dynamic/ses-domains:DkimSigningOrigin": _signing_step_read,
    "pulumi-python:dynamic/ses-domains:DkimKeyPublished": _key_step_read,
}


def planned(resource: Resource, state: Mapping[str, Any]) -> dict:
    """B's inputs as the plan has them: Optional+Computed values B leaves out stay as in state,
    as do the properties the resource ignores changes of."""
    plan = {key: _plain(value) for key, value in resource.inputs.items()}
    for key, value in SCHEMA_DEFAULTS.get(resource.type, {}).items():
        plan.setdefault(key, value)
    for path in KEPT_FROM_STATE.get(resource.type, ()):
        top, _, nested = path.partition(".")
        if not nested:
            if plan.get(top) is None and state.get(top) is not None:
                plan[top] = state[top]
        elif isinstance(plan.get(top), dict) and not plan[top].get(nested) and (state.get(top) or {}).get(nested):
            # A nested Optional+Computed value is kept only where the schema lets it be: the
            # provider's ConflictsWith is a config-only check, so the plan carries it anyway.
            plan[top] = {**plan[top], nested: state[top][nested]}
    for key in resource.ignore_changes:
        if key in state:
            plan[key] = state[key]
        else:
            plan.pop(key, None)
    return plan


# --- update and delete requests, per provider function ---------------------------------------------


def _identity_update(state: dict, plan: dict, changed: set[str]) -> list[tuple[str, str, dict]]:
    """sesv2/email_identity.go resourceEmailIdentityUpdate: PutEmailIdentityConfigurationSetAttributes
    when configuration_set_name changed; PutEmailIdentityDkimSigningAttributes when
    dkim_signing_attributes changed, with SigningAttributes = expandDKIMSigningAttributes(plan)
    and SigningAttributesOrigin = getSigningAttributesOrigin(plan): AWS_SES whenever
    next_signing_key_length is set, else EXTERNAL when a key or selector is."""
    calls = []
    if "configurationSetName" in changed:
        params: dict = {"EmailIdentity": plan["emailIdentity"]}
        _set(params, "ConfigurationSetName", plan.get("configurationSetName"))
        calls.append(("sesv2", "PutEmailIdentityConfigurationSetAttributes", params))
    if "dkimSigningAttributes" in changed:
        dkim = plan.get("dkimSigningAttributes") or {}
        attributes: dict = {}
        _set(attributes, "DomainSigningPrivateKey", dkim.get("domainSigningPrivateKey"))
        _set(attributes, "DomainSigningSelector", dkim.get("domainSigningSelector"))
        _set(attributes, "NextSigningKeyLength", dkim.get("nextSigningKeyLength"))
        if dkim.get("nextSigningKeyLength"):
            origin = "AWS_SES"
        elif dkim.get("domainSigningPrivateKey") or dkim.get("domainSigningSelector"):
            origin = "EXTERNAL"
        else:
            origin = "AWS_SES"
        calls.append(("sesv2", "PutEmailIdentityDkimSigningAttributes",
                      {"EmailIdentity": plan["emailIdentity"], "SigningAttributesOrigin": origin,
                       "SigningAttributes": attributes}))
    return calls


def _mail_from_update(state: dict, plan: dict, changed: set[str]) -> list[tuple[str, str, dict]]:
    """sesv2/email_identity_mail_from_attributes.go resourceEmailIdentityMailFromAttributesUpdate:
    when behavior_on_mx_failure or mail_from_domain changed, both as planned (an unset domain is
    sent as the empty string: ``aws.String(d.Get(...))``)."""
    if not changed & {"behaviorOnMxFailure", "mailFromDomain"}:
        return []
    return [("sesv2", "PutEmailIdentityMailFromAttributes", {
        "EmailIdentity": plan["emailIdentity"], "BehaviorOnMxFailure": plan.get("behaviorOnMxFailure"),
        "MailFromDomain": plan.get("mailFromDomain") or ""})]


def _feedback_update(state: dict, plan: dict, changed: set[str]) -> list[tuple[str, str, dict]]:
    """sesv2/email_identity_feedback_attributes.go resourceEmailIdentityFeedbackAttributesUpdate."""
    if "emailForwardingEnabled" not in changed:
        return []
    return [("sesv2", "PutEmailIdentityFeedbackAttributes",
             {"EmailIdentity": plan["emailIdentity"], "EmailForwardingEnabled": bool(plan["emailForwardingEnabled"])})]


def _configuration_set_update(state: dict, plan: dict, changed: set[str]) -> list[tuple[str, str, dict]]:
    """sesv2/configuration_set.go resourceConfigurationSetUpdate (read at commit 95b8c2a7): one Put
    per changed block. delivery_options: SendingPoolName and TlsPolicy when not empty (that
    version sends no MaxDeliverySeconds on update); reputation_options: the boolean;
    sending_options: only while the block exists; suppression_options: SuppressedReasons only
    ``if ok && len(v) > 0``; tracking_options: CustomRedirectDomain when not empty; vdm_options:
    expandVDMOptions when the block exists. A removed block is one Put without its options."""
    name = plan["configurationSetName"]
    calls = []
    if "deliveryOptions" in changed:
        params: dict = {"ConfigurationSetName": name}
        delivery = plan.get("deliveryOptions") or {}
        _set(params, "SendingPoolName", delivery.get("sendingPoolName"))
        _set(params, "TlsPolicy", delivery.get("tlsPolicy"))
        calls.append(("sesv2", "PutConfigurationSetDeliveryOptions", params))
    if "reputationOptions" in changed:
        params = {"ConfigurationSetName": name}
        reputation = plan.get("reputationOptions") or {}
        if reputation.get("reputationMetricsEnabled") is not None:
            params["ReputationMetricsEnabled"] = bool(reputation["reputationMetricsEnabled"])
        calls.append(("sesv2", "PutConfigurationSetReputationOptions", params))
    if "sendingOptions" in changed and plan.get("sendingOptions"):
        params = {"ConfigurationSetName": name}
        if plan["sendingOptions"].get("sendingEnabled") is not None:
            params["SendingEnabled"] = bool(plan["sendingOptions"]["sendingEnabled"])
        calls.append(("sesv2", "PutConfigurationSetSendingOptions", params))
    if "suppressionOptions" in changed:
        params = {"ConfigurationSetName": name}
        reasons = (plan.get("suppressionOptions") or {}).get("suppressedReasons") or []
        if reasons:
            params["SuppressedReasons"] = list(reasons)
        calls.append(("sesv2", "PutConfigurationSetSuppressionOptions", params))
    if "trackingOptions" in changed:
        params = {"ConfigurationSetName": name}
        _set(params, "CustomRedirectDomain", (plan.get("trackingOptions") or {}).get("customRedirectDomain"))
        calls.append(("sesv2", "PutConfigurationSetTrackingOptions", params))
    if "vdmOptions" in changed:
        params = {"ConfigurationSetName": name}
        if plan.get("vdmOptions"):
            params["VdmOptions"] = vdm_options(plan["vdmOptions"])
        calls.append(("sesv2", "PutConfigurationSetVdmOptions", params))
    return calls


def _event_destination_update(state: dict, plan: dict, changed: set[str]) -> list[tuple[str, str, dict]]:
    """sesv2/configuration_set_event_destination.go resourceConfigurationSetEventDestinationUpdate:
    UpdateConfigurationSetEventDestination with expandEventDestination(plan) (the create's shape)."""
    if "eventDestination" not in changed:
        return []
    return [("sesv2", "UpdateConfigurationSetEventDestination", params)
            for _, _, params in _event_destination(plan, None)]


def _template_update(state: dict, plan: dict, changed: set[str]) -> list[tuple[str, str, dict]]:
    """ses/template.go resourceTemplateUpdate: UpdateTemplate with the name and each of html,
    subject and text that is set (d.GetOk), whatever changed."""
    return [("ses", "UpdateTemplate", params) for _, _, params in _template(plan, None)]


def _record_update(state: dict, plan: dict, changed: set[str], context: Context) -> list[tuple[str, str, dict]]:
    """route53/record.go resourceRecordUpdate: type and set_identifier unchanged -> the Create
    function with action UPSERT (``!d.IsNewResource()``); otherwise one transactional batch that
    deletes the old record set and creates the new one."""
    calls = _record({**plan, "allowOverwrite": True}, context)
    if "type" in changed:
        old = _record({**state, "allowOverwrite": True}, context)[0][2]["ChangeBatch"]["Changes"][0]
        batch = calls[0][2]["ChangeBatch"]
        batch["Changes"] = [{**old, "Action": "DELETE"}, {**batch["Changes"][0], "Action": "CREATE"}]
    return calls


def _tags_only(state: dict, plan: dict, changed: set[str]) -> list[tuple[str, str, dict]]:
    """sesv2/dedicated_ip_pool.go resourceDedicatedIPPoolUpdate: "Tags only"."""
    return []


def _signing_step_update(state: dict, plan: dict, changed: set[str]) -> list[tuple[str, str, dict]]:
    """deploy/dkim_signing_origin_ops.py apply_signing: GetEmailIdentity, then (SES signing
    otherwise than planned, or a new key) PutEmailIdentityDkimSigningAttributes (signing_request)."""
    from ses_domains.deploy.dkim_signing_origin_ops import signing_request

    return [("sesv2", "GetEmailIdentity", {"EmailIdentity": plan["emailIdentity"]}),
            ("sesv2", "PutEmailIdentityDkimSigningAttributes", signing_request(plan))]


Update = Callable[..., list[tuple[str, str, dict]]]
UPDATES: dict[str, tuple[Update, str]] = {
    EMAIL_IDENTITY: (_identity_update, "sesv2/email_identity.go resourceEmailIdentityUpdate"),
    MAIL_FROM: (_mail_from_update,
                "sesv2/email_identity_mail_from_attributes.go resourceEmailIdentityMailFromAttributesUpdate"),
    FEEDBACK: (_feedback_update,
               "sesv2/email_identity_feedback_attributes.go resourceEmailIdentityFeedbackAttributesUpdate"),
    CONFIGURATION_SET: (_configuration_set_update, "sesv2/configuration_set.go resourceConfigurationSetUpdate"),
    EVENT_DESTINATION: (_event_destination_update,
                        "sesv2/configuration_set_event_destination.go resourceConfigurationSetEventDestinationUpdate"),
    TEMPLATE: (_template_update, "ses/template.go resourceTemplateUpdate"),
    RECORD: (_record_update, "route53/record.go resourceRecordUpdate"),
    POOL: (_tags_only, "sesv2/dedicated_ip_pool.go resourceDedicatedIPPoolUpdate"),
    "pulumi-python:dynamic/ses-domains:DkimSigningOrigin": (
        _signing_step_update, "ses_domains/deploy/dkim_signing_origin_ops.py apply_signing"),
}

DELETES: dict[str, tuple[Callable[[dict, Context], list[tuple[str, str, dict]]], str]] = {
    EMAIL_IDENTITY: (lambda s, _: [("sesv2", "DeleteEmailIdentity", {"EmailIdentity": s["emailIdentity"]})],
                     "sesv2/email_identity.go resourceEmailIdentityDelete"),
    MAIL_FROM: (lambda s, _: [("sesv2", "PutEmailIdentityMailFromAttributes", {"EmailIdentity": s["emailIdentity"]})],
                "sesv2/email_identity_mail_from_attributes.go resourceEmailIdentityMailFromAttributesDelete "
                "(a Put without domain: SES's own MAIL FROM again)"),
    FEEDBACK: (lambda s, _: [("sesv2", "PutEmailIdentityFeedbackAttributes",
                              {"EmailIdentity": s["emailIdentity"], "EmailForwardingEnabled": False})],
               "sesv2/email_identity_feedback_attributes.go resourceEmailIdentityFeedbackAttributesDelete "
               "(EmailForwardingEnabled is a plain bool in the SDK: false)"),
    CONFIGURATION_SET: (lambda s, _: [("sesv2", "DeleteConfigurationSet",
                                       {"ConfigurationSetName": s["configurationSetName"]})],
                        "sesv2/configuration_set.go resourceConfigurationSetDelete"),
    EVENT_DESTINATION: (lambda s, _: [("sesv2", "DeleteConfigurationSetEventDestination", {
        "ConfigurationSetName": s["configurationSetName"], "EventDestinationName": s["eventDestinationName"]})],
        "sesv2/configuration_set_event_destination.go resourceConfigurationSetEventDestinationDelete"),
    TEMPLATE: (lambda s, _: [("ses", "DeleteTemplate", {"TemplateName": s["name"]})],
               "ses/template.go resourceTemplateDelete"),
    POOL: (lambda s, _: [("sesv2", "DeleteDedicatedIpPool", {"PoolName": s["poolName"]})],
           "sesv2/dedicated_ip_pool.go resourceDedicatedIPPoolDelete"),
    ENDPOINT: (lambda s, _: [("sesv2", "DeleteMultiRegionEndpoint", {"EndpointName": s["endpointName"]})],
               "sesv2/multi_region_endpoint.go multiRegionEndpointResource.Delete"),
}

def _record_delete(state: dict, context: Context) -> list[tuple[str, str, dict]]:
    """route53/record.go resourceRecordDelete: findResourceRecordSetByFourPartKey
    (ListResourceRecordSets, one item from the record's name and type), then one DELETE of the
    record set found (the one state describes), comment "Deleted by Terraform"."""
    created = _record(state, context)[0][2]
    record_set = created["ChangeBatch"]["Changes"][0]["ResourceRecordSet"]
    name = record_set["Name"] if record_set["Name"].endswith(".") else record_set["Name"] + "."
    return [
        ("route53", "ListResourceRecordSets", {"HostedZoneId": created["HostedZoneId"], "StartRecordName": name,
                                               "StartRecordType": record_set["Type"], "MaxItems": "1"}),
        ("route53", "ChangeResourceRecordSets", {"HostedZoneId": created["HostedZoneId"], "ChangeBatch": {
            "Changes": [{"Action": "DELETE", "ResourceRecordSet": record_set}], "Comment": "Deleted by Terraform"}}),
    ]


DELETES[RECORD] = (_record_delete, "route53/record.go resourceRecordDelete")
NOT_READ: dict[str, str] = {}


# --- judging ---------------------------------------------------------------------------------------


def _differs(old: Any, new: Any) -> bool:
    return _normal(old) != _normal(new)


def _normal(value: Any) -> Any:
    """Pulumi numbers come as floats; an unset and an empty value are the same to the provider."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _dynamic_changes(resource: Resource, olds: dict, news: dict) -> tuple[bool, list[str]]:
    """The resource's own provider (unpickled as Pulumi loads it) decides."""
    pickled = news.get("__provider") or olds.get("__provider")
    provider = dill.loads(base64.b64decode(pickled))
    result = provider.diff("id", {k: v for k, v in olds.items() if k != "__provider"},
                           {k: v for k, v in news.items() if k != "__provider"})
    return bool(result.changes), list(result.replaces or [])


def judge(before: Resource, after: Resource, context: Context) -> Change:
    state = state_of(before)
    plan = planned(after, state)
    change = Change(after.urn, after.type, after.name, UNCHANGED)
    if after.type.startswith(COMPONENT_PREFIX):
        return change
    if after.type.startswith(DYNAMIC):
        changed, replaces = _dynamic_changes(after, state, plan)
        change.follows = f"{after.type}: its provider's diff"
        if not changed:
            return change
        change.action = REPLACE if replaces else UPDATE
        change.changed = tuple(sorted(k for k in set(state) | set(plan)
                                      if k != "__provider" and _differs(state.get(k), plan.get(k))))
        update = UPDATES.get(after.type)
        if update:
            change.follows = update[1]
            change.requests = _requests(after, update[0](state, plan, set(change.changed)), update[1])
        return change
    keys = (set(state) | set(plan)) - {"__provider"}
    changed = {k for k in keys if _differs(state.get(k), plan.get(k))}
    change.changed = tuple(sorted(changed))
    if not changed:
        return change
    forced = changed & set(FORCE_NEW.get(after.type, ()))
    if forced:
        change.action = REPLACE
        deleted, created = _delete_requests(before, state, context, change), _create_requests(after, context)
        if after.delete_before_replace:
            change.follows = f"ForceNew {sorted(forced)}; deleteBeforeReplace: the type's Delete, then its Create"
            change.requests = deleted + created
        else:
            change.follows = f"ForceNew {sorted(forced)}; Pulumi creates the new one, deletes the old at the end"
            change.requests = created + deleted
        return change
    change.action = UPDATE
    update = UPDATES.get(after.type)
    if update is None:
        change.notes.append(f"{after.type}: its Update function was not read; no request modelled")
        return change
    function, change.follows = update
    calls = function(state, plan, changed, context) if after.type == RECORD else function(state, plan, changed)
    change.requests = _requests(after, calls, change.follows)
    return change


def _replaced(value: Any, texts: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in texts.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: _replaced(v, texts) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, texts) for v in value]
    return value


def _requests(resource: Resource, calls: Iterable[tuple[str, str, dict]], follows: str) -> list[ApiRequest]:
    return [ApiRequest(resource.type, resource.name, service, operation, params, follows)
            for service, operation, params in calls]


def _create_requests(resource: Resource, context: Context) -> list[ApiRequest]:
    mapping = MAPPINGS.get(resource.type)
    if mapping is None:
        return []
    if mapping.autonamed:
        calls = mapping.build(resource.inputs, context, name=resource.name)
    else:
        calls = mapping.build(resource.inputs, context)
    return _requests(resource, calls, mapping.follows)


def _delete_requests(resource: Resource, state: dict, context: Context, change: Change) -> list[ApiRequest]:
    delete = DELETES.get(resource.type)
    if delete is None:
        change.notes.append(NOT_READ.get(resource.type, f"{resource.type}: its Delete function is not modelled"))
        return []
    return _requests(resource, delete[0](state, context), delete[1])


def _renamed(resources: dict[str, Resource], names: Mapping[str, str]) -> dict[str, Resource]:
    urns = {urn: urn.rsplit("::", 1)[0] + "::" + names[r.name] for urn, r in resources.items() if r.name in names}
    result = {}
    for urn, resource in resources.items():
        resource.urn, resource.name = urns.get(urn, urn), names.get(resource.name, resource.name)
        resource.dependencies = tuple(urns.get(d, d) for d in resource.dependencies)
        result[resource.urn] = resource
    return result


def transition(run_a: Any, run_b: Any, renamed: Optional[Mapping[str, str]] = None) -> Transition:
    """What ``pulumi up`` with B does to the stack A deployed (both runs of ``tests.pulumi_program``).
    ``renamed``: A's state as an earlier version of the program named its resources (name in A's
    run -> the earlier name)."""
    before, after = _renamed(resources_of(run_a), renamed or {}), resources_of(run_b)
    # Each run made its own hosted zones (moto's random ids): A's ids read as B's, zone by zone.
    same_zone = {run_a.zone_ids[name]: zone_id for name, zone_id in run_b.zone_ids.items() if name in run_a.zone_ids}
    for resource in before.values():
        resource.inputs = _replaced(resource.inputs, same_zone)
    zone_names = {zone_id: name for name, zone_id in {**run_a.zone_ids, **run_b.zone_ids}.items()}
    role_names = {f"{r.name}-id": generated_name(r.name, r.inputs)[0]
                  for r in list(before.values()) + list(after.values()) if r.type == "aws:iam/role:Role"}
    context = Context(zone_names=zone_names, role_names=role_names)
    changes: dict[str, Change] = {}
    matched = matched_states(before, after)
    for urn, resource in after.items():
        if urn in matched:
            changes[urn] = judge(before[matched[urn]], resource, context)
            if matched[urn] != urn:
                changes[urn].aliased_from = matched[urn]
        else:
            change = Change(urn, resource.type, resource.name, CREATE)
            if not resource.type.startswith(COMPONENT_PREFIX):
                change.requests = _create_requests(resource, context)
                change.follows = MAPPINGS[resource.type].follows if resource.type in MAPPINGS else resource.type
            changes[urn] = change
    taken = set(matched.values())
    for urn, resource in before.items():
        if urn not in taken:
            change = Change(urn, resource.type, resource.name, DELETE)
            if not resource.type.startswith(COMPONENT_PREFIX):
                change.requests = _delete_requests(resource, state_of(resource), context, change)
                change.follows = DELETES[resource.type][1] if resource.type in DELETES else ""
            changes[urn] = change
    return Transition(before, after, changes)
