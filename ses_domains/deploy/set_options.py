"""Configuration set options the AWS provider cannot set correctly, as two small dynamic resources.

**The custom tracking domain.** SES refuses ``CustomRedirectDomain`` unless the domain, or a parent,
is an identity verified for sending. pulumi-aws's ``sesv2.ConfigurationSet`` sends the tracking
options with ``CreateConfigurationSet`` (terraform-provider-aws ``internal/service/sesv2/
configuration_set.go``, ``resourceConfigurationSetCreate``: ``in.TrackingOptions =
expandTrackingOptions(...)``), while the identity that would make it acceptable depends on the set
(``EmailIdentity.configuration_set_name`` names it as its default, and pulumi-aws 7 has no separate
resource for an identity's default set). So a fresh stack failed at the set, every time. Here the
set is created without tracking options (and ignores them, so that the provider never clears what
this resource put: its Update sends ``PutConfigurationSetTrackingOptions`` without a domain when
the declared block is gone), and :class:`TrackingOptions` sets them with
``PutConfigurationSetTrackingOptions`` once the stack's verification step reports the parent
identity verified: set <- identity <- records <- verification <- tracking options, no cycle.

**Suppression off.** ``suppressedReasons: []`` must reach SES as an explicit empty list. The
provider's Update (``resourceConfigurationSetUpdate``) sets ``SuppressedReasons`` only when
``ok && len(v) > 0``, so a set changed to ``[]`` gets ``PutConfigurationSetSuppressionOptions``
with no reasons, which leaves the account-level settings in force. :class:`SuppressionOff` sends
``SuppressedReasons: []`` itself, after every change of the set.

Both providers follow the rules of ``deploy/verification.py``: pickled by reference (module path
and class names must never change), plain data only, clients made per call
(``set_options_ops``, imported only when an operation runs), and their own deadline.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi.dynamic


def _aws(region: str, profile: Optional[str]) -> dict:
    return {"region": region, "profile": profile}


class TrackingOptionsProvider(pulumi.dynamic.ResourceProvider):
    """Puts a set's custom tracking domain and HTTPS policy; delete goes back to SES's own domain."""

    serialize_as_secret_always = False

    KEYS = ("configurationSetName", "trackingDomain", "httpsPolicy", "aws")

    def diff(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.DiffResult:
        return pulumi.dynamic.DiffResult(
            changes=any(olds.get(key) != news.get(key) for key in self.KEYS),
            replaces=[], stables=[], delete_before_replace=False,
        )

    def create(self, props: dict) -> pulumi.dynamic.CreateResult:
        from ses_domains.deploy import set_options_ops

        set_options_ops.put_tracking(props)
        return pulumi.dynamic.CreateResult(id_=f"{props['configurationSetName']}/tracking", outs=dict(props))

    def update(self, _id: str, _olds: dict, news: dict) -> pulumi.dynamic.UpdateResult:
        from ses_domains.deploy import set_options_ops

        set_options_ops.put_tracking(news)
        return pulumi.dynamic.UpdateResult(outs=dict(news))

    def read(self, id_: str, props: dict) -> pulumi.dynamic.ReadResult:
        """``pulumi refresh``: a tracking domain changed or removed outside the stack shows as a
        change, and the next ``pulumi up`` puts it back."""
        from ses_domains.deploy import set_options_ops

        found = set_options_ops.read_tracking(props)
        domain, policy = (found.tracking_domain, found.https_policy) if found else (None, None)
        return pulumi.dynamic.ReadResult(id_, {**props, "trackingDomain": domain,
                                               "httpsPolicy": policy or props.get("httpsPolicy")})

    def delete(self, _id: str, props: dict) -> None:
        from ses_domains.deploy import set_options_ops

        set_options_ops.clear_tracking(props)


class TrackingOptions(pulumi.dynamic.Resource, module="ses-domains", name="TrackingOptions"):
    """A configuration set's custom tracking domain, set once its parent identity is verified."""

    def __init__(
        self,
        name: str,
        configuration_set_name: pulumi.Input[str],
        tracking_domain: str,
        https_policy: str,
        region: str,
        profile: Optional[str],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__(
            TrackingOptionsProvider(),
            name,
            {"configurationSetName": configuration_set_name, "trackingDomain": tracking_domain,
             "httpsPolicy": https_policy, "aws": _aws(region, profile)},
            opts,
        )


class SuppressionOffProvider(pulumi.dynamic.ResourceProvider):
    """Puts an empty ``SuppressedReasons`` list on a set. Delete does nothing: the set's own
    declared suppression options, which the AWS provider has just applied, take over."""

    serialize_as_secret_always = False

    def diff(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.DiffResult:
        changed = any(olds.get(key) != news.get(key) for key in ("configurationSetName", "aws"))
        return pulumi.dynamic.DiffResult(
            changes=changed or olds.get("suppressedReasons") != [],
            replaces=[], stables=[], delete_before_replace=False,
        )

    def create(self, props: dict) -> pulumi.dynamic.CreateResult:
        from ses_domains.deploy import set_options_ops

        set_options_ops.put_suppression_off(props)
        return pulumi.dynamic.CreateResult(id_=f"{props['configurationSetName']}/suppression",
                                           outs={**props, "suppressedReasons": []})

    def update(self, _id: str, _olds: dict, news: dict) -> pulumi.dynamic.UpdateResult:
        from ses_domains.deploy import set_options_ops

        set_options_ops.put_suppression_off(news)
        return pulumi.dynamic.UpdateResult(outs={**news, "suppressedReasons": []})

    def read(self, id_: str, props: dict) -> pulumi.dynamic.ReadResult:
        """``pulumi refresh``: reasons found on the set (or none of its own) show as a change."""
        from ses_domains.deploy import set_options_ops

        return pulumi.dynamic.ReadResult(
            id_, {**props, "suppressedReasons": set_options_ops.read_suppressed_reasons(props)}
        )

    def delete(self, _id: str, _props: dict) -> None:
        """Nothing to undo (see the class docstring)."""


class SuppressionOff(pulumi.dynamic.Resource, module="ses-domains", name="SuppressionOff"):
    """``suppressedReasons: []``: the set suppresses no address, also after updates."""

    def __init__(
        self,
        name: str,
        configuration_set_name: pulumi.Input[str],
        region: str,
        profile: Optional[str],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__(
            SuppressionOffProvider(),
            name,
            {"configurationSetName": configuration_set_name, "aws": _aws(region, profile),
             "suppressedReasons": None},
            opts,
        )
