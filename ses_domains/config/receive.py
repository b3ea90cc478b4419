"""``receive`` on a domain: SES receives its mail and stores each message in an S3 bucket.

```yaml
- domain: example.com
  receive:
    bucket: example-com-mail          # an existing S3 bucket
    prefix: inbound/                  # optional object key prefix
    recipients: [support@example.com, example.com]
    bucketPolicy: true                # false: the bucket's policy is the user's (see the README)
    scan: true                        # SES's spam and virus scan (verdict headers)
    requireTls: false                 # true: refuse mail not sent over TLS
    ruleSet: existing-active-set      # optional: add the rule to this (active) rule set instead
```

Receiving is for the stack's region only (``aws:region``): the MX names one region's endpoint,
and a domain's replica identities (``replicaRegions``) send but do not receive. What the zones,
the bucket and SES's active rule set hold is checked at preview by ``deploy.inbound_preflight``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from typing import Mapping, Optional

from ses_domains.config.domain_names import InvalidDomainName, is_within, normalize_domain
from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section, describe
from ses_domains.records.ses import RECEIVING_REGIONS, inbound_endpoint

RECEIVE_KEYS = ("bucket", "prefix", "recipients", "bucketPolicy", "scan", "requireTls", "ruleSet")
MAX_RECIPIENTS = 100
"""SES quota: at most 100 recipient conditions per receipt rule."""
MAX_PREFIX_BYTES = 960
"""S3 keys hold at most 1,024 bytes; SES appends the message id (about 40 characters)."""
MAX_RECEIPT_NAME = 64
_RECEIPT_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$")
"""SES API reference, CreateReceiptRule / CreateReceiptRuleSet: rule and rule set names hold only
ASCII letters, digits, underscores, hyphens and periods, start and end with a letter or digit, and
have at most 64 characters (botocore's model does not carry this)."""
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")


@dataclass(frozen=True)
class ReceiveSpec:
    bucket: str
    recipients: tuple[str, ...]
    """SES receipt rule recipients: ``user@example.com``, ``example.com`` (every address of the
    domain) or ``.example.com`` (every address of every subdomain)."""
    prefix: str = ""
    bucket_policy: bool = True
    """Whether the stack writes the bucket's policy (refused at preview if the bucket has one the
    stack did not write)."""
    scan: bool = True
    require_tls: bool = False
    rule_set: Optional[str] = None
    """An existing rule set (the account's active one) to add the rule to; ``None``: the stack's own."""

    @property
    def tls_policy(self) -> str:
        return "Require" if self.require_tls else "Optional"


def bucket_name_problem(name: object) -> Optional[str]:
    """Why ``name`` is not a general purpose S3 bucket name (Amazon S3 User Guide, "General purpose
    bucket naming rules"), or ``None``."""
    if not isinstance(name, str) or not name:
        return f"must be the name of an existing S3 bucket, got {describe(name)}"
    if not _BUCKET.match(name):
        return (f"{name!r} is not an S3 bucket name: 3 to 63 characters, lower-case letters, digits, dots and "
                "hyphens, starting and ending with a letter or digit")
    if ".." in name:
        return f"{name!r} is not an S3 bucket name: two dots in a row"
    try:
        ipaddress.IPv4Address(name)
        return f"{name!r} is an IP address, not an S3 bucket name"
    except ValueError:
        pass
    for prefix in _BUCKET_PREFIXES:
        if name.startswith(prefix):
            return f"{name!r} is not an S3 bucket name: S3 reserves the prefix {prefix}"
    for suffix in _BUCKET_SUFFIXES:
        if name.endswith(suffix):
            return f"{name!r} is not an S3 bucket name: S3 reserves the suffix {suffix}"
    return None


def receipt_name_problem(name: object, what: str) -> Optional[str]:
    if not isinstance(name, str) or len(name) > MAX_RECEIPT_NAME or not _RECEIPT_NAME.match(name):
        return (f"{describe(name)} is not an SES {what} name: at most {MAX_RECEIPT_NAME} letters, digits, _, - and "
                ". , starting and ending with a letter or digit")
    return None


def receipt_rule_name(domain: str) -> str:
    """The stack's receipt rule for ``domain``: the domain itself, shortened with a hash past 64 characters."""
    if len(domain) <= MAX_RECEIPT_NAME:
        return domain
    digest = hashlib.sha1(domain.encode()).hexdigest()[:8]
    return f"{domain[:MAX_RECEIPT_NAME - 9].rstrip('.-')}-{digest}"


def stack_rule_set_name(stack: str) -> str:
    """The rule set the stack creates and activates: ``ses-domains-<stack>``, made a valid SES name."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", f"ses-domains-{stack}")[:MAX_RECEIPT_NAME]
    return re.sub(r"[^A-Za-z0-9]+$", "", name) or "ses-domains"


def read_receive(section: Section, domain: Optional[str], warnings: list[str]) -> Optional[ReceiveSpec]:
    receive = section.section("receive", RECEIVE_KEYS)
    if receive is None:
        return None
    bucket = receive.raw.get("bucket")
    if bucket is None:
        receive.problem("bucket", "is required: the S3 bucket (existing, in a receiving region) that stores the mail")
    elif bucket_name_problem(bucket):
        receive.problem("bucket", bucket_name_problem(bucket) or "")
    prefix = _read_prefix(receive)
    recipients = _read_recipients(receive, domain, warnings)
    rule_set = receive.raw.get("ruleSet")
    if rule_set is not None and receipt_name_problem(rule_set, "receipt rule set"):
        receive.problem("ruleSet", receipt_name_problem(rule_set, "receipt rule set") or "")
    spec = ReceiveSpec(
        bucket=bucket if isinstance(bucket, str) else "",
        recipients=recipients,
        prefix=prefix,
        bucket_policy=receive.boolean("bucketPolicy", default=True),
        scan=receive.boolean("scan", default=True),
        require_tls=receive.boolean("requireTls", default=False),
        rule_set=rule_set if isinstance(rule_set, str) else None,
    )
    return spec


def _read_prefix(receive: Section) -> str:
    raw = receive.raw.get("prefix")
    if raw is None:
        return ""
    if not isinstance(raw, str) or not raw:
        receive.problem("prefix", f"must be an S3 object key prefix such as inbound/, got {describe(raw)}")
        return ""
    if raw.startswith("/"):
        receive.problem("prefix", f"{raw!r} starts with /: S3 keys have no leading slash; write {raw.lstrip('/')!r}")
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        receive.problem("prefix", f"{describe(raw)} holds control characters")
    elif len(raw.encode()) > MAX_PREFIX_BYTES:
        receive.problem("prefix", f"is {len(raw.encode())} bytes: at most {MAX_PREFIX_BYTES} leave room for SES's "
                                  "message id in an S3 key (1,024 bytes)")
    return raw


def _read_recipients(receive: Section, domain: Optional[str], warnings: list[str]) -> tuple[str, ...]:
    items = receive.items("recipients")
    if not items:
        receive.problem("recipients", f"is required: the addresses or domains to receive mail for, such as "
                                      f"[support@{domain or 'example.com'}] or [{domain or 'example.com'}]")
        return ()
    if len(items) > MAX_RECIPIENTS:
        receive.problem("recipients", f"lists {len(items)}: an SES receipt rule holds at most {MAX_RECIPIENTS}")
    found: list[str] = []
    for key, item in items:
        recipient, name, problem = _recipient(item)
        if problem:
            receive.problems.add(key, problem)
            continue
        if domain and not is_within(name, domain):
            receive.problems.add(key, f"{recipient} is not within {domain}: a domain receives only its own mail "
                                      f"(receive for another domain in that domain's own entry)")
            continue
        if recipient in found:
            receive.problems.add(key, f"{recipient} is listed twice")
            continue
        found.append(recipient)
        if domain and (name != domain or recipient.startswith(".")):
            warnings.append(
                f"{key}: mail for {recipient} reaches SES only if its domain has an MX naming SES's receiving "
                f"endpoint; the stack writes that MX at {domain} alone (add the subdomain as a domain of its own "
                "with receive, or its MX yourself)"
            )
    return tuple(found)


def _recipient(item: object) -> tuple[str, str, Optional[str]]:
    """(recipient as SES takes it, the domain it is in, problem)."""
    expected = "an address such as support@example.com, a domain such as example.com, or .example.com for subdomains"
    if not isinstance(item, str) or not item.strip():
        return "", "", f"must be {expected}, got {describe(item)}"
    text = item.strip()
    local, at, host = text.rpartition("@")
    if at and (not local or not _LOCAL_PART.match(local) or local.startswith(".") or local.endswith(".") or ".." in local):
        return "", "", f"{text!r} is not an email address: the part before @ is not a mailbox name; expected {expected}"
    dotted = not at and host.startswith(".")
    try:
        name = normalize_domain(host[1:] if dotted else host)
    except InvalidDomainName as error:
        return "", "", f"{error}; expected {expected}"
    if at:
        return f"{local}@{name}", name, None
    return (f".{name}" if dotted else name), name, None


def check_receiving(receiving: Mapping[str, ReceiveSpec], region: str, problems: Problems) -> None:
    """Receiving needs SES's receiving in the stack's region, and one rule set for the whole stack.
    ``receiving``: each domain's ``receive``, by the domain's config key."""
    if receiving and region not in RECEIVING_REGIONS:
        nearby = sorted(name for name in RECEIVING_REGIONS if name.split("-")[0] == region.split("-")[0])
        offered = ", ".join(nearby or sorted(RECEIVING_REGIONS))
        for key in receiving:
            problems.add(
                f"{key}.receive",
                f"SES does not receive mail in {region} (aws:region; AWS General Reference, SES \"Email Receiving "
                f"endpoints\"): there is no {inbound_endpoint(region)} for an MX to name. Receiving regions: "
                f"{offered}. Run the stack in one of them, or remove receive",
            )
    rule_sets = {receive.rule_set for receive in receiving.values()}
    if len(rule_sets) > 1:
        shown = ", ".join(sorted(str(name) if name else "(none: the stack's own)" for name in rule_sets))
        for key in receiving:
            problems.add(f"{key}.receive.ruleSet",
                         f"every domain with receive must use the same rule set (SES applies one active rule set "
                         f"per region); the domains give {shown}")
