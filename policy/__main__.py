"""The ses-domains policy pack: ``pulumi preview --policy-pack policy``.

The Pulumi engine starts this pack once per preview or update of a stack, naming the stack in
the environment; the pack's enforcement level follows the stack's kind: mandatory on a
production stack, advisory on any other (see ses_domains_policies/stack_kind.py).
"""

import os

from pulumi_policy import EnforcementLevel, PolicyPack

from ses_domains_policies.checks import POLICIES
from ses_domains_policies.stack_kind import stack_kind

kind = stack_kind(os.environ)

# PolicyPack serves the engine over gRPC until the engine ends the process: it never returns.
PolicyPack(
    name="ses-domains-guardrails",
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY if kind.production else EnforcementLevel.ADVISORY,
    description=f"ses-domains guardrails; {'mandatory' if kind.production else 'advisory'} here: {kind.reason}",
)
