"""The apex SPF of a domain, merged instead of owned: a dynamic resource.

A Route 53 record resource owns its whole record set: creating it with ``allow_overwrite``
replaces every TXT value at the apex, and destroying it deletes them all (trussworks'
SES module did exactly that to its users' site verifications). This resource writes only the
``include:`` terms the stack wants into the one ``v=spf1`` string, keeps every other value, and on
delete puts back what was there before (see ``apex_spf_ops``).

Like the verification step, the provider is pickled by reference into the stack's state: this
module's path and ``ApexSpfProvider``'s name must never change. It holds no data and no client;
Route 53 is reached with boto3 and the stack's ``aws:profile``, imported only when it runs.
"""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
import pulumi.dynamic

REPLACING = ("zoneId", "name")
"""Another record set altogether: restore the old one, merge into the new one."""
CHANGING = ("includes", "zoneId", "name")


class ApexSpfProvider(pulumi.dynamic.ResourceProvider):
    serialize_as_secret_always = False

    def diff(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.DiffResult:
        changed = [key for key in CHANGING if olds.get(key) != news.get(key)]
        return pulumi.dynamic.DiffResult(
            changes=bool(changed),
            replaces=[key for key in REPLACING if key in changed],
            stables=[],
            delete_before_replace=True,
        )

    def create(self, props: dict) -> pulumi.dynamic.CreateResult:
        from ses_domains.deploy import apex_spf_ops

        outs = apex_spf_ops.merge(props, None)
        return pulumi.dynamic.CreateResult(id_=f"{props['zoneId']}_{props['name']}_TXT_spf", outs=outs)

    def update(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.UpdateResult:
        from ses_domains.deploy import apex_spf_ops

        return pulumi.dynamic.UpdateResult(outs=apex_spf_ops.merge(news, olds))

    def delete(self, _id: str, props: dict) -> None:
        from ses_domains.deploy import apex_spf_ops

        apex_spf_ops.restore(props)


class ApexSpf(pulumi.dynamic.Resource, module="ses-domains", name="ApexSpf"):
    """``includes`` merged into the SPF string of the TXT record set ``name`` in ``zone_id``.

    ``preview`` is the record set as it would be after the merge, computed at preview from what
    the zone holds: shown by ``pulumi preview``; the write merges into what is there when it runs.
    Outputs: ``written`` (the values written), ``restore`` (the set before, put back on delete).
    """

    written: pulumi.Output[list]

    def __init__(
        self,
        resource_name: str,
        *,
        zone_id: str,
        name: str,
        includes: Sequence[str],
        ttl: int,
        preview: Sequence[str],
        region: str,
        profile: Optional[str],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__(
            ApexSpfProvider(),
            resource_name,
            {
                "zoneId": zone_id,
                "name": name,
                "includes": list(includes),
                "ttl": ttl,
                "preview": list(preview),
                "aws": {"region": region, "profile": profile},
                "written": None,
            },
            opts,
        )
