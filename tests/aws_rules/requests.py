"""Declared resources -> the API requests terraform-provider-aws sends for them on create.

pulumi-aws is terraform-provider-aws behind Pulumi's bridge: each declared resource's inputs
(camelCase under the mocks) become the provider's schema values, and the provider's Create
function turns those into one SDK call. Each mapping below follows that function; the comment
on each names the provider file and functions it was read from (hashicorp/terraform-provider-aws,
``internal/service/...``, read through the search tool in 2025/2026).

Pulumi numbers arrive as floats (``3600.0``): the provider's schema holds them as ints, so they
are turned back into ints here. Pulumi auto-names a resource without an explicit name as its
logical name plus ``-`` and 7 random hex characters (8 characters in all); the request carries a
fixed stand-in suffix of that length so that length rules see the real length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional

from ses_domains.records.route53_values import route53_txt

AUTONAME_RANDOM = "0a1b2c3"
"""Stands in for the 7 random hex characters Pulumi appends (after a ``-``) when it auto-names."""
AUTONAME_SUFFIX_LENGTH = 1 + len(AUTONAME_RANDOM)
PREFIXED_UNIQUE_ID = "20260101000000000000000001"
"""Stands in for the 26 characters terraform-provider-aws appends to a ``name_prefix``
(create.Name -> id.PrefixedUniqueId; hence IAM's documented name_prefix maximum of 38)."""

COMPONENT_PREFIX = "ses-domains:index:"
"""The stack's component resources: they group others and send nothing themselves."""
NOT_AWS_REQUESTS = frozenset({
    "pulumi-python:dynamic/ses-domains:Verification", "pulumi-python:dynamic/ses-domains:DkimKeyPublished",
})
"""Other declared resources that create nothing in AWS: the dynamic verification step only reads
(GetEmailIdentity and DNS queries), the BYODKIM key step only asks DNS. A new dynamic resource
that writes to AWS needs a mapping."""


@dataclass(frozen=True)
class ApiRequest:
    """One API call a declared resource makes when it is created."""

    resource_type: str
    resource_name: str
    service: str
    """botocore's service name: ``sesv2``, ``route53``, ``sns``, ``iam``."""
    operation: str
    params: dict
    follows: str
    """The provider source this request's shape follows."""
    autonamed: tuple[str, ...] = field(default=())
    """Parameters whose value Pulumi auto-named (logical name + 8 characters)."""


@dataclass(frozen=True)
class Context:
    """What a mapping needs beyond the resource itself."""

    zone_names: Mapping[str, str]
    """Hosted zone id -> zone name (for the provider's record-name expansion)."""
    role_names: Mapping[str, str]
    """A role's resource id (what ``role.id`` resolves to) -> the role's name."""


def autoname(logical_name: str) -> str:
    return f"{logical_name}-{AUTONAME_RANDOM}"


def _int(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _plain(value: Any) -> Any:
    """A secret input arrives under the mocks wrapped (``rpc.wrap_rpc_secret``), the whole top-level
    property holding it (``dkimSigningAttributes`` for the BYODKIM key); the provider gets the value."""
    from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

    return unwrap_rpc_secret(value) if is_rpc_secret(value) else value


def _set(target: dict, key: str, value: Any) -> None:
    """The provider's ``if v, ok := tfMap[k].(string); ok && v != ""`` idiom: unset and empty
    values are not sent."""
    if value is not None and value != "":
        target[key] = value


# --- SESv2 -------------------------------------------------------------------------------------


def _email_identity(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/email_identity.go, resourceEmailIdentityCreate + expandDKIMSigningAttributes: one
    CreateEmailIdentity with the default configuration set and the DKIM block (empty values
    dropped). No PutEmailIdentity* call on create: PutEmailIdentityDkimSigningAttributes (with
    SigningAttributesOrigin AWS_SES) and PutEmailIdentityConfigurationSetAttributes are sent only
    by resourceEmailIdentityUpdate, when those attributes change."""
    params: dict = {"EmailIdentity": inputs.get("emailIdentity")}
    _set(params, "ConfigurationSetName", inputs.get("configurationSetName"))
    dkim = _plain(inputs.get("dkimSigningAttributes"))
    if dkim is not None:
        attributes: dict = {}
        _set(attributes, "DomainSigningPrivateKey", dkim.get("domainSigningPrivateKey"))
        _set(attributes, "DomainSigningSelector", dkim.get("domainSigningSelector"))
        _set(attributes, "NextSigningKeyLength", dkim.get("nextSigningKeyLength"))
        params["DkimSigningAttributes"] = attributes
    return [("sesv2", "CreateEmailIdentity", params)]


def _multi_region_endpoint(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/multi_region_endpoint.go, resourceMultiRegionEndpoint Create: one
    CreateMultiRegionEndpoint (sent in the resource's own region, the primary) with the name and one
    route per ``details.routes_details`` block (the secondary region); no tags are sent."""
    details = inputs.get("details") or {}
    routes = details.get("routesDetails") or []
    if isinstance(routes, dict):
        routes = [routes]
    params: dict = {"EndpointName": inputs.get("endpointName")}
    if details:
        params["Details"] = {"RoutesDetails": [{"Region": route.get("region")} for route in routes]}
    return [("sesv2", "CreateMultiRegionEndpoint", params)]


def _mail_from(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/email_identity_mail_from_attributes.go, resourceEmailIdentityMailFromAttributesCreate:
    PutEmailIdentityMailFromAttributes; ``behavior_on_mx_failure`` has the schema default
    USE_DEFAULT_VALUE, so it is always sent."""
    params: dict = {"EmailIdentity": inputs.get("emailIdentity")}
    _set(params, "MailFromDomain", inputs.get("mailFromDomain"))
    params["BehaviorOnMxFailure"] = inputs.get("behaviorOnMxFailure") or "USE_DEFAULT_VALUE"
    return [("sesv2", "PutEmailIdentityMailFromAttributes", params)]


def _feedback(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/email_identity_feedback_attributes.go, resourceEmailIdentityFeedbackAttributesCreate:
    PutEmailIdentityFeedbackAttributes; ``email_forwarding_enabled`` defaults to false in the
    schema (and the resource's Delete sends false too: removing it turns forwarding off)."""
    return [("sesv2", "PutEmailIdentityFeedbackAttributes", {
        "EmailIdentity": inputs.get("emailIdentity"),
        "EmailForwardingEnabled": bool(inputs.get("emailForwardingEnabled", False)),
    })]


def _configuration_set(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/configuration_set.go, resourceConfigurationSetCreate and its expand* functions.

    - delivery_options -> expandDeliveryOptions: MaxDeliverySeconds when not 0, SendingPoolName
      and TlsPolicy when not empty.
    - reputation_options / sending_options -> the boolean as given.
    - suppression_options: Create reads the *raw config*: when ``suppressed_reasons`` is set,
      expandSuppressionOptions sends the list, and an empty list is sent as an empty list
      (suppression off for the set); without ``suppressed_reasons`` no SuppressionOptions at all.
      (Update differs: resourceConfigurationSetUpdate sends reasons only ``if ok && len(v) > 0``,
      so changing to ``[]`` later sends none and the account default applies.)
    - tracking_options -> expandTrackingOptions: CustomRedirectDomain and HttpsPolicy when not empty.
    - vdm_options -> expandVDMOptions: DashboardOptions.EngagementMetrics and
      GuardianOptions.OptimizedSharedDelivery, each block only when given.
    """
    params: dict = {"ConfigurationSetName": inputs.get("configurationSetName")}
    delivery = inputs.get("deliveryOptions")
    if delivery is not None:
        options: dict = {}
        if _int(delivery.get("maxDeliverySeconds")) not in (None, 0):
            options["MaxDeliverySeconds"] = _int(delivery["maxDeliverySeconds"])
        _set(options, "SendingPoolName", delivery.get("sendingPoolName"))
        _set(options, "TlsPolicy", delivery.get("tlsPolicy"))
        params["DeliveryOptions"] = options
    reputation = inputs.get("reputationOptions")
    if reputation is not None:
        params["ReputationOptions"] = (
            {"ReputationMetricsEnabled": reputation["reputationMetricsEnabled"]}
            if reputation.get("reputationMetricsEnabled") is not None else {}
        )
    sending = inputs.get("sendingOptions")
    if sending is not None:
        params["SendingOptions"] = (
            {"SendingEnabled": sending["sendingEnabled"]} if sending.get("sendingEnabled") is not None else {}
        )
    suppression = inputs.get("suppressionOptions")
    if suppression is not None and suppression.get("suppressedReasons") is not None:
        params["SuppressionOptions"] = {"SuppressedReasons": list(suppression["suppressedReasons"])}
    tracking = inputs.get("trackingOptions")
    if tracking is not None:
        options = {}
        _set(options, "CustomRedirectDomain", tracking.get("customRedirectDomain"))
        _set(options, "HttpsPolicy", tracking.get("httpsPolicy"))
        params["TrackingOptions"] = options
    vdm = inputs.get("vdmOptions")
    if vdm is not None:
        params["VdmOptions"] = vdm_options(vdm)
    return [("sesv2", "CreateConfigurationSet", params)]


def vdm_options(vdm: dict) -> dict:
    """configuration_set.go expandVDMOptions: each block only when given, empty values dropped."""
    options: dict = {}
    if vdm.get("dashboardOptions") is not None:
        dashboard: dict = {}
        _set(dashboard, "EngagementMetrics", vdm["dashboardOptions"].get("engagementMetrics"))
        options["DashboardOptions"] = dashboard
    if vdm.get("guardianOptions") is not None:
        guardian: dict = {}
        _set(guardian, "OptimizedSharedDelivery", vdm["guardianOptions"].get("optimizedSharedDelivery"))
        options["GuardianOptions"] = guardian
    return options


def _event_destination(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/configuration_set_event_destination.go, resourceConfigurationSetEventDestinationCreate
    + expandEventDestinationDefinition: ``enabled`` is sent as given (an unset ``enabled`` is false
    in the schema: the destination would be created disabled); ``matching_event_types`` is a
    TypeSet (duplicates collapse); each sink block is expanded with empty values dropped
    (expandCloudWatchDimensionConfiguration, expandSNSDestination, expandEventBridgeDestination,
    expandKinesisFirehoseDestination, expandPinpointDestinaton)."""
    source = inputs.get("eventDestination") or {}
    definition: dict = {"Enabled": bool(source.get("enabled", False))}
    events = source.get("matchingEventTypes")
    if events:
        definition["MatchingEventTypes"] = list(dict.fromkeys(events))
    cloud_watch = source.get("cloudWatchDestination")
    if cloud_watch is not None:
        dimensions = []
        for dimension in cloud_watch.get("dimensionConfigurations") or []:
            configuration: dict = {}
            _set(configuration, "DefaultDimensionValue", dimension.get("defaultDimensionValue"))
            _set(configuration, "DimensionName", dimension.get("dimensionName"))
            _set(configuration, "DimensionValueSource", dimension.get("dimensionValueSource"))
            dimensions.append(configuration)
        definition["CloudWatchDestination"] = {"DimensionConfigurations": dimensions} if dimensions else {}
    sinks = (
        ("snsDestination", "SnsDestination", (("topicArn", "TopicArn"),)),
        ("eventBridgeDestination", "EventBridgeDestination", (("eventBusArn", "EventBusArn"),)),
        ("kinesisFirehoseDestination", "KinesisFirehoseDestination",
         (("deliveryStreamArn", "DeliveryStreamArn"), ("iamRoleArn", "IamRoleArn"))),
        ("pinpointDestination", "PinpointDestination", (("applicationArn", "ApplicationArn"),)),
    )
    for input_key, api_key, fields in sinks:
        block = source.get(input_key)
        if block is not None:
            sink: dict = {}
            for field_input, field_api in fields:
                _set(sink, field_api, block.get(field_input))
            definition[api_key] = sink
    return [("sesv2", "CreateConfigurationSetEventDestination", {
        "ConfigurationSetName": inputs.get("configurationSetName"),
        "EventDestinationName": inputs.get("eventDestinationName"),
        "EventDestination": definition,
    })]


def _account_vdm(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/account_vdm_attributes.go, resourceAccountVDMAttributesUpdate (Create is the same
    function): one PutAccountVdmAttributes with VdmEnabled, and each of dashboard_attributes and
    guardian_attributes when given (expandDashboardAttributes / expandGuardianAttributes drop an
    empty value)."""
    attributes: dict = {"VdmEnabled": inputs.get("vdmEnabled")}
    dashboard = inputs.get("dashboardAttributes")
    if dashboard is not None:
        attributes["DashboardAttributes"] = {}
        _set(attributes["DashboardAttributes"], "EngagementMetrics", dashboard.get("engagementMetrics"))
    guardian = inputs.get("guardianAttributes")
    if guardian is not None:
        attributes["GuardianAttributes"] = {}
        _set(attributes["GuardianAttributes"], "OptimizedSharedDelivery", guardian.get("optimizedSharedDelivery"))
    return [("sesv2", "PutAccountVdmAttributes", {"VdmAttributes": attributes})]


def _account_suppression(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/account_suppression_attributes.go, accountSuppressionAttributesResource.Create:
    fwflex.Expand of the model into PutAccountSuppressionAttributesInput; ``suppressed_reasons`` is
    a required set, expanded (listOrSetOfString) into a non-nil slice, so an empty set is sent as
    an empty list."""
    return [("sesv2", "PutAccountSuppressionAttributes",
             {"SuppressedReasons": list(dict.fromkeys(inputs.get("suppressedReasons") or []))})]
def _contact_list(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/contact_list.go, resourceContactListCreate + expandTopics/expandTopic: CreateContactList
    with the name, Description when set, Topics when the ``topic`` set is not empty, each topic's
    fields sent only when not empty (``topic`` is a TypeSet: duplicates collapse)."""
    params: dict = {"ContactListName": inputs.get("contactListName")}
    _set(params, "Description", inputs.get("description"))
    topics = []
    for topic in inputs.get("topics") or []:
        entry: dict = {}
        _set(entry, "DefaultSubscriptionStatus", topic.get("defaultSubscriptionStatus"))
        _set(entry, "Description", topic.get("description"))
        _set(entry, "DisplayName", topic.get("displayName"))
        _set(entry, "TopicName", topic.get("topicName"))
        if entry not in topics:
            topics.append(entry)
    if topics:
        params["Topics"] = topics
    return [("sesv2", "CreateContactList", params)]


def _dedicated_ip_pool(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sesv2/dedicated_ip_pool.go, resourceDedicatedIPPoolCreate: CreateDedicatedIpPool with the
    name and ScalingMode when set (``scaling_mode`` is Optional+Computed: unset, SES picks STANDARD)."""
    params: dict = {"PoolName": inputs.get("poolName")}
    _set(params, "ScalingMode", inputs.get("scalingMode"))
    return [("sesv2", "CreateDedicatedIpPool", params)]


# --- CloudWatch --------------------------------------------------------------------------------


def _metric_alarm(inputs: dict, _: Context, name: str = "") -> list[tuple[str, str, dict]]:
    """cloudwatch/metric_alarm.go, resourceMetricAlarmCreate -> expandPutMetricAlarmInput: one
    PutMetricAlarm (after a DescribeAlarms that refuses an existing name). Always sent: AlarmName,
    ComparisonOperator, EvaluationPeriods, TreatMissingData (schema default ``missing``),
    ActionsEnabled (default true) and, without ``threshold_metric_id``, Threshold; the rest when set
    (action sets and dimensions when not empty; dimensions as Name/Value pairs)."""
    params: dict = {
        "AlarmName": inputs.get("name") or autoname(name),
        "ComparisonOperator": inputs.get("comparisonOperator"),
        "EvaluationPeriods": _int(inputs.get("evaluationPeriods")),
        "TreatMissingData": inputs.get("treatMissingData") or "missing",
        "ActionsEnabled": bool(inputs.get("actionsEnabled", True)),
    }
    for input_key, api_key in (("alarmActions", "AlarmActions"), ("okActions", "OKActions"),
                               ("insufficientDataActions", "InsufficientDataActions")):
        if inputs.get(input_key):
            params[api_key] = list(dict.fromkeys(inputs[input_key]))
    _set(params, "AlarmDescription", inputs.get("alarmDescription"))
    if inputs.get("datapointsToAlarm"):
        params["DatapointsToAlarm"] = _int(inputs["datapointsToAlarm"])
    if inputs.get("dimensions"):
        params["Dimensions"] = [{"Name": key, "Value": value} for key, value in inputs["dimensions"].items()]
    _set(params, "ExtendedStatistic", inputs.get("extendedStatistic"))
    _set(params, "MetricName", inputs.get("metricName"))
    _set(params, "Namespace", inputs.get("namespace"))
    if inputs.get("period"):
        params["Period"] = _int(inputs["period"])
    _set(params, "Statistic", inputs.get("statistic"))
    if inputs.get("thresholdMetricId"):
        params["ThresholdMetricId"] = inputs["thresholdMetricId"]
    else:
        params["Threshold"] = float(inputs.get("threshold") or 0.0)
    _set(params, "Unit", inputs.get("unit"))
    return [("cloudwatch", "PutMetricAlarm", params)]


# --- Route 53 ----------------------------------------------------------------------------------


def txt_value_as_sent(value: str) -> str:
    """route53/record.go, flattenTxtEntry: the provider wraps each TXT value in one pair of
    quotes, nothing else. A value longer than 255 characters must already carry ``""`` between
    its chunks (what ``records.values.Txt.route53`` writes), which Route 53 then reads as
    adjacent character-strings."""
    return f'"{value}"'


def _record_name(name: str, zone_name: Optional[str]) -> str:
    """route53/record.go, expandRecordName: a name not ending in the zone name gets the zone
    appended; the trailing dot is dropped (Route 53 does not need it)."""
    name = (name or "").rstrip(".").lower()
    if zone_name is None:
        return name
    zone = zone_name.rstrip(".").lower()
    if not name:
        return zone
    return name if name.endswith(zone) else f"{name}.{zone}"


def _record(inputs: dict, context: Context) -> list[tuple[str, str, dict]]:
    """route53/record.go, resourceRecordCreate + expandResourceRecordSet + expandResourceRecords:
    one ChangeResourceRecordSets with a single change, CREATE unless ``allow_overwrite`` (then
    UPSERT); Name expanded with the zone name; TTL when set; each value as a ResourceRecord, TXT
    and SPF values wrapped in quotes (flattenTxtEntry); comment "Managed by Terraform"."""
    zone_id = (inputs.get("zoneId") or "").rsplit("/", 1)[-1]
    record_type = inputs.get("type")
    values = list(inputs.get("records") or [])
    if record_type in ("TXT", "SPF"):
        values = [txt_value_as_sent(v) for v in values]
    record_set: dict = {"Name": _record_name(inputs.get("name"), context.zone_names.get(zone_id)), "Type": record_type}
    if inputs.get("ttl") is not None:
        record_set["TTL"] = _int(inputs["ttl"])
    if values:
        record_set["ResourceRecords"] = [{"Value": v} for v in values]
    return [("route53", "ChangeResourceRecordSets", {
        "HostedZoneId": zone_id,
        "ChangeBatch": {
            "Changes": [{"Action": "UPSERT" if inputs.get("allowOverwrite") else "CREATE", "ResourceRecordSet": record_set}],
            "Comment": "Managed by Terraform",
        },
    })]


def _apex_spf(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """ses_domains/deploy/apex_spf_ops.py merge: one change batch per write; for an apex without a
    TXT record set (the test zones) a single CREATE of the merged set (each value quoted and cut into
    255-character strings, ``route53_values.route53_txt``) with the resource's ``ttl``."""
    return [("route53", "ChangeResourceRecordSets", {
        "HostedZoneId": inputs["zoneId"],
        "ChangeBatch": {
            "Comment": "ses-domains: apex SPF",
            "Changes": [{"Action": "CREATE", "ResourceRecordSet": {
                "Name": inputs["name"], "Type": "TXT", "TTL": _int(inputs["ttl"]),
                "ResourceRecords": [{"Value": route53_txt(v)} for v in inputs["preview"]]}}],
        },
    })]


# --- SNS, IAM ----------------------------------------------------------------------------------


def _topic(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sns/topic.go, resourceTopicCreate: CreateTopic with the name (the stack always names its
    topics); no attributes the stack sets."""
    return [("sns", "CreateTopic", {"Name": inputs.get("name")})]


def _topic_policy(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """sns/topic_policy.go, resourceTopicPolicyUpsert -> putTopicPolicy: SetTopicAttributes with
    AttributeName ``Policy``."""
    return [("sns", "SetTopicAttributes", {
        "TopicArn": inputs.get("arn"), "AttributeName": "Policy", "AttributeValue": inputs.get("policy"),
    })]


def generated_name(name: str, inputs: dict) -> tuple[str, bool]:
    """The name an IAM role (or role policy) gets, and whether it was generated: its ``name``; its ``namePrefix`` + 26
    characters; or Pulumi's auto-name (logical name + 8)."""
    if inputs.get("name"):
        return inputs["name"], False
    if inputs.get("namePrefix"):
        return inputs["namePrefix"] + PREFIXED_UNIQUE_ID, True
    return autoname(name), True


def _role(inputs: dict, _: Context, name: str = "") -> list[tuple[str, str, dict]]:
    """iam/role.go, resourceRoleCreate: CreateRole with RoleName, AssumeRolePolicyDocument, Path
    (schema default ``/``), Description when set, MaxSessionDuration (schema default 3600)."""
    params: dict = {
        "RoleName": generated_name(name, inputs)[0],
        "AssumeRolePolicyDocument": inputs.get("assumeRolePolicy"),
        "Path": inputs.get("path") or "/",
        "MaxSessionDuration": _int(inputs.get("maxSessionDuration", 3600)),
    }
    _set(params, "Description", inputs.get("description"))
    _set(params, "PermissionsBoundary", inputs.get("permissionsBoundary"))
    return [("iam", "CreateRole", params)]


def _role_policy(inputs: dict, context: Context, name: str = "") -> list[tuple[str, str, dict]]:
    """iam/role_policy.go, resourceRolePolicyPut: PutRolePolicy with the role's name (``role``
    holds ``role.id``, which for aws_iam_role is the role name), the policy name (or Pulumi's
    auto-name) and the document."""
    role = inputs.get("role")
    return [("iam", "PutRolePolicy", {
        "RoleName": context.role_names.get(role, role),
        "PolicyName": generated_name(name, inputs)[0],
        "PolicyDocument": inputs.get("policy"),
    })]


def _tracking_options(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """Our own step (deploy/set_options_ops.py put_tracking), after the parent identity verified."""
    params = {"ConfigurationSetName": inputs.get("configurationSetName"),
              "CustomRedirectDomain": inputs.get("trackingDomain")}
    _set(params, "HttpsPolicy", inputs.get("httpsPolicy"))
    return [("sesv2", "PutConfigurationSetTrackingOptions", params)]


def _suppression_off(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """Our own step (deploy/set_options_ops.py put_suppression_off): an explicit empty list."""
    return [("sesv2", "PutConfigurationSetSuppressionOptions",
             {"ConfigurationSetName": inputs.get("configurationSetName"), "SuppressedReasons": []})]


def _dkim_signing_origin(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """Our own step (deploy/dkim_signing_origin_ops.py apply_signing): GetEmailIdentity, then, only
    when SES signs otherwise than declared (never right after the identity's own create),
    PutEmailIdentityDkimSigningAttributes with the declared origin (``signing_request``)."""
    from ses_domains.deploy.dkim_signing_origin_ops import signing_request

    props = {key: _plain(value) for key, value in inputs.items()}
    return [("sesv2", "GetEmailIdentity", {"EmailIdentity": props["emailIdentity"]}),
            ("sesv2", "PutEmailIdentityDkimSigningAttributes", signing_request(props))]


def _template(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """ses/template.go, resourceTemplateCreate: one SES (v1) CreateTemplate; each of html, subject
    and text is sent only when set and not empty (d.GetOk)."""
    template: dict = {"TemplateName": inputs.get("name")}
    _set(template, "SubjectPart", inputs.get("subject"))
    _set(template, "TextPart", inputs.get("text"))
    _set(template, "HtmlPart", inputs.get("html"))
    return [("ses", "CreateTemplate", {"Template": template})]
# --- SES (v1) receiving, S3 ------------------------------------------------------------------------


def _receipt_rule_set(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """ses/receipt_rule_set.go, resourceReceiptRuleSetCreate: CreateReceiptRuleSet with the name."""
    return [("ses", "CreateReceiptRuleSet", {"RuleSetName": inputs.get("ruleSetName")})]


def _receipt_rule(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """ses/receipt_rule.go, resourceReceiptRuleCreate + buildReceiptRule: CreateReceiptRule with the
    rule set name, ``After`` when set, and the rule: Name; Enabled and ScanEnabled only when true
    (``d.GetOk`` skips false); Recipients from a TypeSet (duplicates collapse); TlsPolicy when set;
    the actions ordered by ``position``, an S3 action with BucketName and, when not empty,
    KmsKeyArn, ObjectKeyPrefix, TopicArn and IamRoleArn."""
    rule: dict = {"Name": inputs.get("name")}
    if inputs.get("enabled"):
        rule["Enabled"] = True
    if inputs.get("recipients"):
        rule["Recipients"] = list(dict.fromkeys(inputs["recipients"]))
    if inputs.get("scanEnabled"):
        rule["ScanEnabled"] = True
    _set(rule, "TlsPolicy", inputs.get("tlsPolicy"))
    actions = []
    for action in inputs.get("s3Actions") or []:
        s3: dict = {"BucketName": action.get("bucketName")}
        _set(s3, "KmsKeyArn", action.get("kmsKeyArn"))
        _set(s3, "ObjectKeyPrefix", action.get("objectKeyPrefix"))
        _set(s3, "TopicArn", action.get("topicArn"))
        _set(s3, "IamRoleArn", action.get("iamRoleArn"))
        actions.append((_int(action.get("position")), {"S3Action": s3}))
    rule["Actions"] = [action for _, action in sorted(actions, key=lambda pair: pair[0])]
    params: dict = {"RuleSetName": inputs.get("ruleSetName"), "Rule": rule}
    _set(params, "After", inputs.get("after"))
    return [("ses", "CreateReceiptRule", params)]


def _active_receipt_rule_set(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """ses/active_receipt_rule_set.go, resourceActiveReceiptRuleSetUpdate (Create is Update):
    SetActiveReceiptRuleSet with the name (its Delete sends none: every set of the region off)."""
    return [("ses", "SetActiveReceiptRuleSet", {"RuleSetName": inputs.get("ruleSetName")})]


def _bucket_policy(inputs: dict, _: Context) -> list[tuple[str, str, dict]]:
    """s3/bucket_policy.go, resourceBucketPolicyPut: PutBucketPolicy with the bucket and the policy
    after structure.NormalizeJsonString (the whole document: it replaces any policy there)."""
    import json

    policy = inputs.get("policy")
    try:
        policy = json.dumps(json.loads(policy), separators=(",", ":"))
    except (TypeError, ValueError):
        pass
    return [("s3", "PutBucketPolicy", {"Bucket": inputs.get("bucket"), "Policy": policy})]


Build = Callable[..., list[tuple[str, str, dict]]]


@dataclass(frozen=True)
class RequestMapping:
    build: Build
    follows: str
    """The provider file and function the mapping was read from."""
    autonamed: Optional[str] = None
    """The parameter Pulumi fills with an auto-name when the ``name`` input is not given."""


MAPPINGS: dict[str, RequestMapping] = {
    "aws:sesv2/emailIdentity:EmailIdentity": RequestMapping(
        _email_identity, "sesv2/email_identity.go resourceEmailIdentityCreate"),
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": RequestMapping(
        _mail_from, "sesv2/email_identity_mail_from_attributes.go resourceEmailIdentityMailFromAttributesCreate"),
    "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint": RequestMapping(
        _multi_region_endpoint, "sesv2/multi_region_endpoint.go resourceMultiRegionEndpoint.Create"),
    "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes": RequestMapping(
        _feedback, "sesv2/email_identity_feedback_attributes.go resourceEmailIdentityFeedbackAttributesCreate"),
    "aws:sesv2/configurationSet:ConfigurationSet": RequestMapping(
        _configuration_set, "sesv2/configuration_set.go resourceConfigurationSetCreate"),
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": RequestMapping(
        _event_destination, "sesv2/configuration_set_event_destination.go resourceConfigurationSetEventDestinationCreate"),
    "aws:sesv2/accountVdmAttributes:AccountVdmAttributes": RequestMapping(
        _account_vdm, "sesv2/account_vdm_attributes.go resourceAccountVDMAttributesUpdate"),
    "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes": RequestMapping(
        _account_suppression, "sesv2/account_suppression_attributes.go accountSuppressionAttributesResource.Create"),
    "aws:sesv2/contactList:ContactList": RequestMapping(_contact_list, "sesv2/contact_list.go resourceContactListCreate"),
    "aws:sesv2/dedicatedIpPool:DedicatedIpPool": RequestMapping(
        _dedicated_ip_pool, "sesv2/dedicated_ip_pool.go resourceDedicatedIPPoolCreate"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": RequestMapping(
        _metric_alarm, "cloudwatch/metric_alarm.go resourceMetricAlarmCreate", autonamed="AlarmName"),
    "aws:ses/template:Template": RequestMapping(_template, "ses/template.go resourceTemplateCreate"),
    "aws:route53/record:Record": RequestMapping(_record, "route53/record.go resourceRecordCreate"),
    "aws:sns/topic:Topic": RequestMapping(_topic, "sns/topic.go resourceTopicCreate"),
    "aws:sns/topicPolicy:TopicPolicy": RequestMapping(_topic_policy, "sns/topic_policy.go resourceTopicPolicyUpsert"),
    "aws:iam/role:Role": RequestMapping(_role, "iam/role.go resourceRoleCreate", autonamed="RoleName"),
    "aws:iam/rolePolicy:RolePolicy": RequestMapping(
        _role_policy, "iam/role_policy.go resourceRolePolicyPut", autonamed="PolicyName"),
    "pulumi-python:dynamic/ses-domains:TrackingOptions": RequestMapping(
        _tracking_options, "ses_domains/deploy/set_options_ops.py put_tracking"),
    "pulumi-python:dynamic/ses-domains:DkimSigningOrigin": RequestMapping(
        _dkim_signing_origin, "ses_domains/deploy/dkim_signing_origin_ops.py apply_signing"),
    "pulumi-python:dynamic/ses-domains:ApexSpf": RequestMapping(_apex_spf, "ses_domains/deploy/apex_spf_ops.py merge"),
    "pulumi-python:dynamic/ses-domains:SuppressionOff": RequestMapping(
        _suppression_off, "ses_domains/deploy/set_options_ops.py put_suppression_off"),
    "aws:ses/receiptRuleSet:ReceiptRuleSet": RequestMapping(
        _receipt_rule_set, "ses/receipt_rule_set.go resourceReceiptRuleSetCreate"),
    "aws:ses/receiptRule:ReceiptRule": RequestMapping(_receipt_rule, "ses/receipt_rule.go resourceReceiptRuleCreate"),
    "aws:ses/activeReceiptRuleSet:ActiveReceiptRuleSet": RequestMapping(
        _active_receipt_rule_set, "ses/active_receipt_rule_set.go resourceActiveReceiptRuleSetUpdate"),
    "aws:s3/bucketPolicy:BucketPolicy": RequestMapping(_bucket_policy, "s3/bucket_policy.go resourceBucketPolicyPut"),
}


class UnmappedResource(Exception):
    """An AWS resource type this layer has no request mapping for: add one, never skip it."""


def requests_for(
    resources: Iterable[Any],
    zone_names: Optional[Mapping[str, str]] = None,
    resource_id: Callable[[Any], str] = lambda r: f"{r.name}-id",
) -> list[ApiRequest]:
    """Every create request of these declared resources (``tests.pulumi_program.Declared``).

    ``resource_id`` is the id the mocks gave a resource (``RecordingMocks`` answers
    ``<name>-id``): an output such as ``role.id`` resolves to it, and it stands for the real id.
    """
    resources = list(resources)
    role_names = {
        resource_id(r): generated_name(r.name, r.inputs)[0] for r in resources if r.type == "aws:iam/role:Role"
    }
    context = Context(zone_names=dict(zone_names or {}), role_names=role_names)
    result = []
    for resource in resources:
        if resource.type in NOT_AWS_REQUESTS or resource.type.startswith(COMPONENT_PREFIX):
            continue
        mapping = MAPPINGS.get(resource.type)
        if mapping is None:
            raise UnmappedResource(f"{resource.type} ({resource.name}): no request mapping in tests/aws_rules/requests.py")
        if mapping.autonamed:
            calls = mapping.build(resource.inputs, context, name=resource.name)
            autonamed = () if resource.inputs.get("name") else (mapping.autonamed,)
        else:
            calls = mapping.build(resource.inputs, context)
            autonamed = ()
        for service, operation, params in calls:
            result.append(ApiRequest(resource.type, resource.name, service, operation, params, mapping.follows, autonamed))
    return result
