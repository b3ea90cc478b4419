"""One API request -> every AWS rule it breaks.

Three layers of rules:

1. botocore's ``ParamValidator`` on the operation's input shape: unknown members, required
   members, types, minimum lengths and sizes (all it checks).
2. The rest of the model's traits, which ParamValidator ignores: enums, maximum lengths and
   list sizes, numeric ranges, and ``pattern``. A pattern must match the whole value: AWS
   services validate whole values (IAM refuses a role name with a space, though its model
   pattern ``[\\w+=,.@-]+`` is not anchored).
3. Limits the models do not carry, each with the document it comes from (``EXTRA_RULES``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Optional

import botocore.session
from botocore.model import OperationModel, Shape
from botocore.validate import ParamValidator

from tests.aws_rules.requests import AUTONAME_SUFFIX_LENGTH, PREFIXED_UNIQUE_ID, ApiRequest


@dataclass(frozen=True)
class Violation:
    """A rule a request breaks: where (resource, operation, field path) and which rule."""

    resource_type: str
    resource_name: str
    operation: str
    path: str
    rule: str
    value: Any

    def __str__(self) -> str:
        shown = repr(self.value)
        if len(shown) > 120:
            shown = f"{shown[:100]}... ({len(str(self.value))} characters)"
        return f"{self.resource_type} {self.resource_name!r}: {self.operation} {self.path}: {self.rule} (value {shown})"


@lru_cache(maxsize=None)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@lru_cache(maxsize=None)
def operation_model(service: str, operation: str) -> OperationModel:
    return _session().get_service_model(service).operation_model(operation)


@lru_cache(maxsize=None)
def _pattern(text: str) -> Callable[[str], Optional[Any]]:
    try:
        return re.compile(text).fullmatch
    except re.error:
        # Java classes such as \p{L} (IAM tag keys): the third-party regex module reads them.
        import regex  # noqa: PLC0415

        return regex.compile(text).fullmatch


# --- 1 and 2: the model ------------------------------------------------------------------------


def _botocore_errors(request: ApiRequest, shape: Shape) -> Iterator[tuple[str, str, Any]]:
    report = ParamValidator().validate(request.params, shape)
    # ValidationErrors keeps (kind, dotted name, details) per error; its report is only text.
    for kind, name, details in report._errors:  # noqa: SLF001
        yield name.lstrip("."), f"botocore ParamValidator: {kind} {_without_param(details)}", _value_at(request.params, name)


def _without_param(details: dict) -> dict:
    return {k: v for k, v in details.items() if k != "param"}


def _value_at(params: Any, dotted: str) -> Any:
    value = params
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
        try:
            value = value[int(part[1:-1])] if part.startswith("[") else value[part]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def _trait_errors(shape: Shape, value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """Enum, maximum length, list size and value, and pattern, walking the value along its shape
    (types and minimums are botocore's: a value of the wrong type is skipped here)."""
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        if meta.get("union") and len([v for v in value.values() if v is not None]) != 1:
            yield path, f"{shape.name} is a union: exactly one member must be set", sorted(value)
        for key, member_value in value.items():
            if key in shape.members and member_value is not None:
                yield from _trait_errors(shape.members[key], member_value, _join(path, key))
    elif kind == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            yield path, f"at most {meta['max']} items ({shape.name})", len(value)
        for index, item in enumerate(value):
            yield from _trait_errors(shape.member, item, f"{path}[{index}]")
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from _trait_errors(shape.key, key, f"{path}.<key>")
            yield from _trait_errors(shape.value, item, f"{path}.{key}")
    elif kind == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            yield path, f"not one of {shape.name}'s values {list(shape.enum)}", value
        if "max" in meta and len(value) > meta["max"]:
            yield path, f"at most {meta['max']} characters ({shape.name})", value
        if "pattern" in meta and not _pattern(meta["pattern"])(value):
            yield path, f"does not match {shape.name}'s pattern {meta['pattern']}", value
    elif kind in ("integer", "long") and isinstance(value, int) and not isinstance(value, bool):
        if "max" in meta and value > meta["max"]:
            yield path, f"at most {meta['max']} ({shape.name})", value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- 3: what the models do not carry -----------------------------------------------------------

Rule = Callable[[ApiRequest], Iterable[tuple[str, str, Any]]]

DNS_NAME_LIMIT = 253
DNS_LABEL_LIMIT = 63
TXT_STRING_LIMIT = 255
ROUTE53_REQUEST_VALUE_LIMIT = 32_000


def dns_name_problems(name: str) -> list[str]:
    """RFC 1035 2.3.4: a name is at most 253 characters in presentation form (255 octets on the
    wire), each label 1 to 63."""
    name = name.rstrip(".")
    problems = []
    if len(name) > DNS_NAME_LIMIT:
        problems.append(f"a DNS name is at most {DNS_NAME_LIMIT} characters (RFC 1035), this one has {len(name)}")
    for label in name.split("."):
        if not label:
            problems.append("a DNS name has no empty label")
        elif len(label) > DNS_LABEL_LIMIT:
            problems.append(f"a DNS label is at most {DNS_LABEL_LIMIT} characters (RFC 1035): {label[:20]}... has {len(label)}")
    return problems


def route53_txt_strings(value: str) -> Optional[list[str]]:
    """The character-strings of a TXT value as Route 53 reads it: quoted strings, adjacent or
    separated by spaces, with backslash escapes; ``None`` when the value is not of that form."""
    strings: list[str] = []
    index = 0
    while index < len(value):
        if value[index] == " ":
            index += 1
            continue
        if value[index] != '"':
            return None
        index += 1
        current = []
        while index < len(value) and value[index] != '"':
            if value[index] == "\\" and index + 1 < len(value):
                index += 1
            current.append(value[index])
            index += 1
        if index >= len(value):
            return None
        strings.append("".join(current))
        index += 1
    return strings


def _route53_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """Route 53 API reference, ChangeResourceRecordSets: "The sum of the number of characters
    (including spaces) in all Value elements in a request cannot exceed 32,000 characters" (each
    Value is at most 4,000: the model's RData max). Supported DNS record types (TXT): each string
    at most 255 characters. CNAME: one value only. Record names and host-name values are DNS names."""
    total = 0
    for c, change in enumerate(request.params.get("ChangeBatch", {}).get("Changes", [])):
        record_set = change.get("ResourceRecordSet", {})
        base = f"ChangeBatch.Changes[{c}].ResourceRecordSet"
        name = record_set.get("Name") or ""
        for problem in dns_name_problems(name):
            yield f"{base}.Name", problem, name
        records = record_set.get("ResourceRecords") or []
        record_type = record_set.get("Type")
        if record_type == "CNAME" and len(records) > 1:
            yield f"{base}.ResourceRecords", "a CNAME record set holds exactly one value", len(records)
        for r, record in enumerate(records):
            value = record.get("Value") or ""
            total += len(value)
            path = f"{base}.ResourceRecords[{r}].Value"
            if record_type in ("TXT", "SPF"):
                strings = route53_txt_strings(value)
                if strings is None:
                    yield path, "a TXT value is one or more quoted strings", value
                    continue
                for s, text in enumerate(strings):
                    if len(text) > TXT_STRING_LIMIT:
                        yield path, f"TXT string {s + 1} has {len(text)} characters; each is at most {TXT_STRING_LIMIT}", value
            elif record_type in ("CNAME", "MX"):
                host = value.split()[-1] if value.split() else ""
                for problem in dns_name_problems(host):
                    yield path, problem, value
    if total > ROUTE53_REQUEST_VALUE_LIMIT:
        yield "ChangeBatch", f"all Value elements of a request hold at most {ROUTE53_REQUEST_VALUE_LIMIT} characters", total


_SES_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DIMENSION_NAME = re.compile(r"[A-Za-z0-9_:-]{1,256}")
_DIMENSION_VALUE = re.compile(r"[A-Za-z0-9_\-@.]{1,256}")


def _ses_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """- SES configuration set and event destination names: "Contain only letters (a-z, A-Z),
      numbers (0-9), underscores (_), and dashes (-). Contain 64 characters or fewer." (SES API
      reference, ConfigurationSet.Name and EventDestination.Name; the SESv2 model has no pattern.)
    - CloudWatch dimensions (SESv2 API reference, CloudWatchDimensionConfiguration; the model has
      no pattern): DimensionName "can only contain ASCII letters (a–z, A–Z), numbers (0–9),
      underscores (_), or dashes (-)", at most 256. Colons are allowed as well: the SES (v1) API
      reference lists them for the same field, and SES's own auto-tags (``ses:from-domain``) are
      used as dimension names. DefaultDimensionValue: letters, digits, ``_ - @ .``, at most 256.
    - Domains SES is given (identity, MAIL FROM domain, tracking domain) are DNS names.
    - The provider refuses REJECT_MESSAGE without a MAIL FROM domain
      (email_identity_mail_from_attributes.go, errMailFromRequired).
    """
    params = request.params
    for key in ("ConfigurationSetName", "EventDestinationName"):
        value = params.get(key)
        if isinstance(value, str) and not _SES_NAME.fullmatch(value):
            yield key, "SES names are letters, digits, _ and -, 1 to 64 characters", value
    for key in ("EmailIdentity", "MailFromDomain"):
        value = params.get(key)
        if isinstance(value, str) and value and "@" not in value:
            for problem in dns_name_problems(value):
                yield key, problem, value
    tracking = (params.get("TrackingOptions") or {}).get("CustomRedirectDomain")
    if isinstance(tracking, str):
        for problem in dns_name_problems(tracking):
            yield "TrackingOptions.CustomRedirectDomain", problem, tracking
    signing = params.get("DkimSigningAttributes") or {}
    private_key, selector = signing.get("DomainSigningPrivateKey"), signing.get("DomainSigningSelector")
    if (private_key is None) != (selector is None):
        yield "DkimSigningAttributes", "the provider requires selector and private key together (RequiredWith)", None
    if signing.get("NextSigningKeyLength") and (private_key or selector):
        yield "DkimSigningAttributes.NextSigningKeyLength", "conflicts with a BYODKIM key (ConflictsWith)", None
    if isinstance(private_key, str) and not (1 <= len(private_key) <= 20480 and _is_base64(private_key)):
        # The value is never shown: it is a private key.
        yield "DkimSigningAttributes.DomainSigningPrivateKey", "1 to 20,480 characters of base64 (ValidBase64String)", None
    if isinstance(selector, str) and not 1 <= len(selector) <= 63:
        yield "DkimSigningAttributes.DomainSigningSelector", "1 to 63 characters", selector
    if request.operation == "PutEmailIdentityMailFromAttributes":
        if params.get("BehaviorOnMxFailure") == "REJECT_MESSAGE" and not params.get("MailFromDomain"):
            yield "MailFromDomain", "the provider requires a MAIL FROM domain with REJECT_MESSAGE", None
    destination = params.get("EventDestination") or {}
    sinks = [k for k in ("CloudWatchDestination", "SnsDestination", "EventBridgeDestination",
                         "KinesisFirehoseDestination", "PinpointDestination") if k in destination]
    if request.operation == "CreateConfigurationSetEventDestination" and len(sinks) != 1:
        yield "EventDestination", "the provider requires exactly one destination block (ExactlyOneOf)", sinks
    dimensions = (destination.get("CloudWatchDestination") or {}).get("DimensionConfigurations") or []
    for d, dimension in enumerate(dimensions):
        path = f"EventDestination.CloudWatchDestination.DimensionConfigurations[{d}]"
        name, default = dimension.get("DimensionName"), dimension.get("DefaultDimensionValue")
        if isinstance(name, str) and not _DIMENSION_NAME.fullmatch(name):
            yield f"{path}.DimensionName", "SESv2 dimension names are letters, digits, _ - (and :), at most 256", name
        if isinstance(default, str) and not _DIMENSION_VALUE.fullmatch(default):
            yield f"{path}.DefaultDimensionValue", "SESv2 default dimension values are letters, digits, _ - @ ., at most 256", default
    yield from _ses_list_and_pool_rules(request)


_POOL_NAME = re.compile(r"[a-z0-9_-]{1,64}")
CONTACT_LIST_TOPIC_LIMIT = 20


def _ses_list_and_pool_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """- Dedicated IP pool names (``PoolName``, and a configuration set's ``SendingPoolName``):
      lower-case letters, digits, ``_`` and ``-``, at most 64 (AWS::SES::DedicatedIpPool PoolName
      pattern ``^[a-z0-9_-]{0,64}$``; the SESv2 model has none).
    - A contact list holds at most 20 topics, each name once (SES Developer Guide, "Using list
      management": "A list can have a maximum of 20 topics")."""
    params = request.params
    for path, value in (("PoolName", params.get("PoolName")),
                        ("DeliveryOptions.SendingPoolName", (params.get("DeliveryOptions") or {}).get("SendingPoolName"))):
        if isinstance(value, str) and not _POOL_NAME.fullmatch(value):
            yield path, "dedicated IP pool names are lower-case letters, digits, _ and -, 1 to 64 characters", value
    if request.operation == "CreateContactList":
        topics = params.get("Topics") or []
        if len(topics) > CONTACT_LIST_TOPIC_LIMIT:
            yield "Topics", f"a contact list holds at most {CONTACT_LIST_TOPIC_LIMIT} topics", len(topics)
        names = [topic.get("TopicName") for topic in topics]
        for index, name in enumerate(names):
            if name in names[:index]:
                yield f"Topics[{index}].TopicName", "each topic name once in a contact list", name


_ALARM_PERIOD_SECONDS = (10, 20, 30)
_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")


def _cloudwatch_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """CloudWatch API reference, PutMetricAlarm (the model's text; it carries no pattern or enum
    for these): AlarmName "can't contain ASCII control characters"; Period "Valid values are 10,
    20, 30, and any multiple of 60"; TreatMissingData "breaching | notBreaching | ignore |
    missing". The provider requires exactly one of Statistic and ExtendedStatistic for a metric
    (metric_alarm.go CustomizeDiff)."""
    if request.operation != "PutMetricAlarm":
        return
    params = request.params
    name = params.get("AlarmName")
    if isinstance(name, str) and any(ord(c) < 32 or ord(c) == 127 for c in name):
        yield "AlarmName", "an alarm name has no ASCII control characters", name
    period = params.get("Period")
    if isinstance(period, int) and not (period in _ALARM_PERIOD_SECONDS or (period > 0 and period % 60 == 0)):
        yield "Period", "10, 20, 30 or a multiple of 60 seconds", period
    if params.get("TreatMissingData") not in _MISSING_DATA:
        yield "TreatMissingData", f"one of {', '.join(_MISSING_DATA)}", params.get("TreatMissingData")
    if params.get("MetricName") and ("Statistic" in params) == ("ExtendedStatistic" in params):
        yield "Statistic", "the provider requires exactly one of statistic and extended_statistic", None


_TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}(\.fifo)?")


def _sns_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """SNS API reference, CreateTopic Name: "up to 256 characters ... uppercase and lowercase
    ASCII letters, numbers, underscores, and hyphens" (``.fifo`` suffix for FIFO topics); a
    topic policy must be a JSON document."""
    if request.operation == "CreateTopic":
        name = request.params.get("Name")
        if isinstance(name, str) and not _TOPIC_NAME.fullmatch(name):
            yield "Name", "SNS topic names are letters, digits, _ and -, 1 to 256 characters", name
    if request.operation == "SetTopicAttributes" and request.params.get("AttributeName") == "Policy":
        yield from _json_document("AttributeValue", request.params.get("AttributeValue"))


def _iam_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """IAM policy documents are JSON (the provider parses them before sending). Role names (at
    most 64) and policy names (at most 128) are the model's own limits."""
    for key in ("AssumeRolePolicyDocument", "PolicyDocument"):
        if key in request.params:
            yield from _json_document(key, request.params[key])


def _json_document(path: str, value: Any) -> Iterator[tuple[str, str, Any]]:
    try:
        document = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        yield path, "a policy must be a JSON object", value


def _is_base64(text: str) -> bool:
    """terraform-provider-aws verify.ValidBase64String: base64.StdEncoding.DecodeString succeeds."""
    import base64
    import binascii

    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _ses_v1_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """SES API reference, Template.TemplateName: "up to 64 alphanumeric characters, including
    letters, numbers, hyphens (-) and underscores (_) only"; a template is at most 500 KB with both
    bodies (the provider's ses/template.go: html and text StringLenBetween(0, 512000))."""
    template = request.params.get("Template") or {}
    name = template.get("TemplateName")
    if isinstance(name, str) and not _TEMPLATE_NAME.fullmatch(name):
        yield "Template.TemplateName", "SES template names are letters, digits, _ and -, 1 to 64 characters", name
    for key in ("TextPart", "HtmlPart"):
        if len(template.get(key) or "") > 512000:
            yield f"Template.{key}", "at most 512,000 characters (StringLenBetween)", None
    if not template.get("SubjectPart") and request.operation == "CreateTemplate":
        yield "Template.SubjectPart", "SES sends no templated message without a subject", None


EXTRA_RULES: dict[str, Rule] = {"route53": _route53_rules, "sesv2": _ses_rules, "sns": _sns_rules, "iam": _iam_rules,
                                "ses": _ses_v1_rules, "cloudwatch": _cloudwatch_rules}


_RECEIPT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?")
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MAX_RECEIPT_RECIPIENTS = 100
MAX_BUCKET_POLICY_BYTES = 20 * 1024


def _receipt_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """SES API reference, CreateReceiptRuleSet / CreateReceiptRule (the model has no pattern): rule
    set and rule names "contain only ASCII letters (a-z, A-Z), numbers (0-9), underscores (_), or
    dashes (-)" and periods, "start and end with a letter or number", "contain less than 64
    characters" (the provider: StringLenBetween(1, 64)). SES quota: 100 recipients per rule. An
    S3 action names a bucket (S3 bucket naming rules)."""
    params = request.params
    rule = params.get("Rule") or {}
    for path, value in (("RuleSetName", params.get("RuleSetName")), ("Rule.Name", rule.get("Name"))):
        if isinstance(value, str) and not _RECEIPT_NAME.fullmatch(value):
            yield path, "SES receipt names are letters, digits, _ - ., 1 to 64, starting and ending alphanumeric", value
    recipients = rule.get("Recipients") or []
    if len(recipients) > MAX_RECEIPT_RECIPIENTS:
        yield "Rule.Recipients", f"at most {MAX_RECEIPT_RECIPIENTS} recipients per receipt rule (SES quota)", len(recipients)
    for index, action in enumerate(rule.get("Actions") or []):
        bucket = (action.get("S3Action") or {}).get("BucketName")
        if isinstance(bucket, str):
            yield from _bucket_name(f"Rule.Actions[{index}].S3Action.BucketName", bucket)


def _s3_rules(request: ApiRequest) -> Iterator[tuple[str, str, Any]]:
    """Amazon S3 User Guide: general purpose bucket naming rules (3 to 63 lower-case letters, digits,
    dots and hyphens, alphanumeric at both ends, no ``..``, not an IP address); a bucket policy is a
    JSON document of at most 20 KB."""
    if "Bucket" in request.params:
        yield from _bucket_name("Bucket", request.params["Bucket"])
    if request.operation == "PutBucketPolicy":
        policy = request.params.get("Policy")
        yield from _json_document("Policy", policy)
        if isinstance(policy, str) and len(policy.encode()) > MAX_BUCKET_POLICY_BYTES:
            yield "Policy", f"a bucket policy holds at most {MAX_BUCKET_POLICY_BYTES} bytes", len(policy.encode())


def _bucket_name(path: str, name: Any) -> Iterator[tuple[str, str, Any]]:
    if not isinstance(name, str) or not _BUCKET_NAME.fullmatch(name) or ".." in name or re.fullmatch(r"[0-9.]+", name):
        yield path, "S3 bucket names are 3 to 63 lower-case letters, digits, . and -, alphanumeric at both ends", name


EXTRA_RULES.update({"ses": _receipt_rules, "s3": _s3_rules})


def _generated(value: str) -> str:
    if value.endswith(PREFIXED_UNIQUE_ID):
        return f"name prefix + {len(PREFIXED_UNIQUE_ID)} characters"
    return f"Pulumi's auto-name: the {len(value) - AUTONAME_SUFFIX_LENGTH}-character logical name + {AUTONAME_SUFFIX_LENGTH}"


def validate_request(request: ApiRequest) -> list[Violation]:
    """Every rule this request breaks, each once."""
    shape = operation_model(request.service, request.operation).input_shape
    found = [
        *_botocore_errors(request, shape),
        *_trait_errors(shape, request.params, ""),
        *EXTRA_RULES.get(request.service, lambda _: ())(request),
    ]
    seen = set()
    result = []
    for path, rule, value in found:
        if (path, rule) in seen:
            continue
        seen.add((path, rule))
        if path in request.autonamed and isinstance(value, str):
            rule += f"; {len(value)} characters once generated ({_generated(value)})"
        result.append(Violation(request.resource_type, request.resource_name, request.operation, path, rule, value))
    return result
