"""How an existing identity is switched between Easy DKIM and BYODKIM, or to a new key.

terraform-provider-aws cannot do it: ``next_signing_key_length`` is Optional+Computed in
``internal/service/sesv2/email_identity.go``, so once an Easy DKIM identity exists the plan keeps
``RSA_2048_BIT`` from state, and ``resourceEmailIdentityUpdate`` ->
``getSigningAttributesOrigin`` sends ``SigningAttributesOrigin: AWS_SES`` whenever that field is
set, also beside a BYODKIM selector and key. So the identity is given its DKIM block on create
only (``ignore_changes``), and this resource, one per identity, sends
``PutEmailIdentityDkimSigningAttributes`` itself with the declared origin: ``EXTERNAL`` with
selector and key, or ``AWS_SES`` with the key length. It depends on the identity and on the
step that waits for the BYODKIM record on every nameserver (``DkimKeyPublished``), and writes
only when SES reports another origin, selector or next key length than declared, or the key
changed; so its first run on an existing stack sends nothing.

The key is a secret input; state keeps only its fingerprint among the outputs. Like every
dynamic provider here, it is pickled by reference: this module's path and
``DkimSigningOriginProvider``'s name must never change.
"""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi.dynamic

SIGNING_SET_APART = "dkimSigningAttributes"
"""The identity's property this resource sets after create (the identity's ``ignore_changes``)."""
CHECKED = ("emailIdentity", "origin", "selector", "keyLength", "aws")


def _outs(props: dict, signing) -> dict:
    from ses_domains.deploy.dkim_signing_origin_ops import key_fingerprint

    outs = {key: props.get(key) for key in CHECKED}
    outs.update(keyFingerprint=key_fingerprint(props.get("privateKey")), tokens=list(signing.tokens),
                reportedOrigin=signing.origin)
    return outs


class DkimSigningOriginProvider(pulumi.dynamic.ResourceProvider):
    serialize_as_secret_always = False
    """The provider holds no data; the key arrives as a (secret) input."""

    def diff(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.DiffResult:
        from ses_domains.deploy.dkim_signing_origin_ops import key_fingerprint

        changed = (any(olds.get(key) != news.get(key) for key in CHECKED)
                   or olds.get("keyFingerprint") != key_fingerprint(news.get("privateKey")))
        return pulumi.dynamic.DiffResult(changes=changed, replaces=[], stables=[], delete_before_replace=False)

    def create(self, props: dict) -> pulumi.dynamic.CreateResult:
        from ses_domains.deploy.dkim_signing_origin_ops import apply_signing

        signing = apply_signing(props)
        return pulumi.dynamic.CreateResult(id_=f"dkim-signing-{props['emailIdentity']}", outs=_outs(props, signing))

    def update(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.UpdateResult:
        from ses_domains.deploy.dkim_signing_origin_ops import apply_signing, key_fingerprint

        key_changed = bool(news.get("privateKey")) and olds.get("keyFingerprint") != key_fingerprint(news["privateKey"])
        return pulumi.dynamic.UpdateResult(outs=_outs(news, apply_signing(news, key_changed=key_changed)))

    def delete(self, _id: str, _props: dict) -> None:
        """Nothing to undo: the identity keeps signing as it was last told (or is deleted itself)."""


class DkimSigningOrigin(pulumi.dynamic.Resource, module="ses-domains", name="DkimSigningOrigin"):
    """SES signs ``email_identity`` with the declared origin: ``EXTERNAL`` (``selector``,
    ``private_key``) or ``AWS_SES`` (``key_length``). ``tokens``: what SES reports afterwards."""

    tokens: pulumi.Output[list]

    def __init__(
        self,
        name: str,
        email_identity: pulumi.Input[str],
        region: str,
        profile: Optional[str],
        selector: Optional[str] = None,
        private_key: Optional[pulumi.Input[str]] = None,
        key_length: Optional[str] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        origin = "EXTERNAL" if selector else "AWS_SES"
        super().__init__(
            DkimSigningOriginProvider(),
            name,
            {"emailIdentity": email_identity, "origin": origin, "selector": selector,
             "privateKey": pulumi.Output.secret(private_key) if private_key is not None else None,
             "keyLength": None if selector else key_length, "aws": {"region": region, "profile": profile},
             "keyFingerprint": None, "tokens": None, "reportedOrigin": None},
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["privateKey"])),
        )


def declare_signing_origin(
    name: str, identity, signing_attributes, region: str, profile: Optional[str],
    depends_on: Sequence[pulumi.Resource], parent: pulumi.Resource,
) -> DkimSigningOrigin:
    """The step for ``identity`` (``<name>-dkim-signing``), from the DKIM block it was created with
    (``dkim_signing.DkimSetup.signing_attributes``), after ``identity`` and ``depends_on``."""
    args = signing_attributes
    return DkimSigningOrigin(
        f"{name}-dkim-signing", identity.email_identity, region, profile,
        selector=args.domain_signing_selector, private_key=args.domain_signing_private_key,
        key_length=args.next_signing_key_length,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[identity, *depends_on]),
    )
