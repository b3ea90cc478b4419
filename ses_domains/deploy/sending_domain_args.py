"""The arguments of the public ``SendingDomain`` component, field by field.

Plain ``TypedDict`` classes: calling one (``DmarcArgs(policy="reject")``) builds a dict, which is
also what Pulumi's component provider host passes when the component is used from another
language. The field docstrings are the schema's descriptions. (No ``from __future__ import
annotations`` here: the SDK's Analyzer reads these annotations as objects.)

The rules and the wording of every check are the stack config's (``ses_domains.config``): an
argument is judged as the config key of the same name would be.
"""

from typing import Sequence, TypedDict

import pulumi
from typing_extensions import Required


class DmarcArgs(TypedDict, total=False):
    """The DMARC record published at ``_dmarc.<domain>`` (tags of RFC 9989, and ``pct`` for older receivers)."""

    policy: Required[pulumi.Input[str]]
    """``p=``: ``none``, ``quarantine`` or ``reject`` (required)."""
    subdomain_policy: pulumi.Input[str]
    """``sp=``: the policy for subdomains: ``none``, ``quarantine`` or ``reject``."""
    nonexistent_policy: pulumi.Input[str]
    """``np=``: the policy for subdomains that do not exist: ``none``, ``quarantine`` or ``reject``."""
    rua: pulumi.Input[Sequence[pulumi.Input[str]]]
    """``rua=``: where aggregate reports go, such as ``mailto:dmarc@example.com`` (``mailto:`` may be left out;
    ``!10m`` sets a size limit). A mailbox in another domain needs that domain's authorization record."""
    ruf: pulumi.Input[Sequence[pulumi.Input[str]]]
    """``ruf=``: where failure reports go, written like ``rua``."""
    adkim: pulumi.Input[str]
    """``adkim=``: DKIM alignment, ``r`` (relaxed) or ``s`` (strict)."""
    aspf: pulumi.Input[str]
    """``aspf=``: SPF alignment, ``r`` (relaxed) or ``s`` (strict)."""
    pct: pulumi.Input[int]
    """``pct=``: the percentage of mail the policy applies to, 0 to 100, for receivers older than RFC 9989
    (which dropped it: a warning; below 100 it also writes ``t=y``)."""
    testing: pulumi.Input[bool]
    """``t=y``: the policy is being tested (RFC 9989): receivers apply one step less strict a policy."""
    public_suffix_domain: pulumi.Input[str]
    """``psd=``: ``y`` (a public suffix domain), ``n`` (an organizational domain) or ``u`` (RFC 9989)."""
    failure_options: pulumi.Input[str]
    """``fo=``: when failure reports are sent: ``0``, ``1``, ``d`` or ``s``, joined by ``:`` (such as ``1:d``)."""


class DkimPreviousKeyArgs(TypedDict, total=False):
    """The selector SES signed with before a BYODKIM rotation: its record stays published."""

    selector: Required[pulumi.Input[str]]
    """The previous selector (required)."""
    public_key: pulumi.Input[str]
    """Its public key: PEM, or the ``p=`` of its record. Give this or ``private_key``."""
    private_key: pulumi.Input[str]
    """Its private key in PEM, a secret; only its public half is published. Give this or ``public_key``."""


class DkimArgs(TypedDict, total=False):
    """DKIM signing: Easy DKIM (SES's keys, three CNAME records) by default, or BYODKIM (a key of your
    own, one TXT record per selector) with ``selector`` and ``private_key``."""

    key_length: pulumi.Input[str]
    """Easy DKIM: ``RSA_2048_BIT`` (default) or ``RSA_1024_BIT``."""
    selector: pulumi.Input[str]
    """BYODKIM: the selector the public key is published under (``<selector>._domainkey.<domain>``), such
    as ``s2026a``."""
    private_key: pulumi.Input[str]
    """BYODKIM: the RSA private key SES signs with, in PEM (1024 or 2048 bits). A secret: the component
    passes it to SES only as a Pulumi secret and never shows it in a message. A secret ``Output`` (such as
    ``pulumi.Config().require_secret("dkimKey")``) is judged once known; with ``replica_regions`` it must be
    text the program has when it runs."""
    previous: DkimPreviousKeyArgs
    """BYODKIM rotation: the selector and key SES signed with before, still published."""


class ApexSpfArgs(TypedDict, total=False):
    """Merge ``include:amazonses.com`` (and ``include``) into the SPF string of the domain itself; the
    other TXT values there stay, and ``pulumi destroy`` puts back what was there before."""

    include: pulumi.Input[Sequence[pulumi.Input[str]]]
    """More SPF includes to merge, such as ``_spf.google.com``."""


class VerifyArgs(TypedDict, total=False):
    """Whether and how ``pulumi up`` waits until the domain is verified."""

    enabled: pulumi.Input[bool]
    """Wait during ``pulumi up`` until every record is on every authoritative name server and SES reports
    the domain verified (default: true)."""
    timeout: pulumi.Input[str]
    """How long to wait, such as ``90s``, ``20m`` or ``1h`` (default ``20m``; at most 72h)."""
    nameservers: pulumi.Input[Sequence[pulumi.Input[str]]]
    """``host[:port]`` name servers to ask instead of the zone's own (split horizon, tests)."""
    shared: pulumi.Input[bool]
    """The domain is verified by a ``DomainVerification`` declared after it, together with other domains
    (one concurrent wait); the domain declares no verification step of its own (default: false)."""


class BimiArgs(TypedDict, total=False):
    """The BIMI assertion record (``<selector>._bimi.<domain>``): the brand logo mailbox providers show.
    Refused unless the domain's DMARC is at enforcement (quarantine or reject, all mail, no testing)."""

    logo: Required[pulumi.Input[str]]
    """``l=``: the HTTPS URL of the SVG Tiny PS logo (required)."""
    certificate: pulumi.Input[str]
    """``a=``: the HTTPS URL of the PEM mark certificate (VMC or CMC), which Gmail requires."""
    selector: pulumi.Input[str]
    """The BIMI selector (default ``default``)."""


class SendingDomainArgs(TypedDict, total=False):
    """An Amazon SES sending domain: its SESv2 identity and every DNS record it needs in a Route 53 zone."""

    domain: Required[pulumi.Input[str]]
    """The domain to send from, such as ``example.com`` (required)."""
    zone_id: Required[pulumi.Input[str]]
    """The id of the public Route 53 hosted zone that holds the domain (required), such as
    ``aws.route53.Zone(...).zone_id``: a zone created in the same program works. A zone id known when the
    program runs (a literal, or ``aws.route53.get_zone(...)``) is checked, with the records already in it,
    before anything is declared; an id known only later is checked once known."""
    mail_from: pulumi.Input[str]
    """The custom MAIL FROM domain: a label (``bounce``) or a full name under the domain
    (``bounce.example.com``). Its MX and SPF records are written."""
    mail_from_on_mx_failure: pulumi.Input[str]
    """What SES does when the MAIL FROM domain's MX is missing: ``USE_DEFAULT_VALUE`` (default) or
    ``REJECT_MESSAGE``."""
    dmarc: DmarcArgs
    """The DMARC record to publish; without it ``_dmarc`` is left alone."""
    bimi: BimiArgs
    """The BIMI record to publish; without it ``_bimi`` is left alone."""
    dkim: DkimArgs
    """DKIM signing: Easy DKIM key length, or a BYODKIM selector and private key (with rotation)."""
    ttl: pulumi.Input[int]
    """The TTL of every record written, 60 to 172800 seconds (default 1800)."""
    configuration_set: pulumi.Input[str]
    """The identity's default configuration set: its name, or (Python) the ``ConfigurationSet`` itself."""
    feedback_forwarding: pulumi.Input[bool]
    """SES's bounce and complaint emails to the sender (default: SES's own, on)."""
    replica_regions: pulumi.Input[Sequence[pulumi.Input[str]]]
    """More SES regions where the identity is created too, with its own DKIM and MAIL FROM records."""
    existing_records: pulumi.Input[str]
    """A record set in the zone that this component did not create: ``stop`` (default: refuse, before
    anything is declared) or ``adopt`` (take it over)."""
    apex_spf: ApexSpfArgs
    """Merge SES into the SPF record of the domain itself; without it the apex is never touched."""
    verify: VerifyArgs
    """Waiting for verification (default: ``pulumi up`` waits for this domain)."""
    application_list_unsubscribe: pulumi.Input[bool]
    """The application adds RFC 8058 one-click unsubscribe headers (``List-Unsubscribe`` and
    ``List-Unsubscribe-Post``) to its bulk mail itself (default: false). Declares nothing: ``ses-domains
    check`` then counts one-click unsubscribe as possible without a contact list."""
    region: pulumi.Input[str]
    """The SES region of the AWS provider the resources use (default: the ``aws:region`` config, then
    ``AWS_REGION``, then ``AWS_DEFAULT_REGION``): the MAIL FROM MX and some DKIM records name it."""
