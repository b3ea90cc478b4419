"""Runs a user's own Pulumi program (not this repository's) under Pulumi's mocks: from a directory
outside the repository, under a project name of its own, with no ``ses-domains:`` stack config.

Route 53 zones the program creates (``aws.route53.Zone``) are created in moto too, so that the
provider's ``getZone`` invokes find them, as they would once the zone exists.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any, Callable, Optional
from unittest import mock

import pulumi

from tests.pulumi_program import (
    Declared, ProgramRun, RecordingMocks, _run_under_mocks, create_zones, fake_aws, moto_route53,
)

ZONE = "aws:route53/zone:Zone"
ROOT = Path(__file__).resolve().parent.parent


class UserProgramMocks(RecordingMocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        if args.typ != ZONE:
            return super().new_resource(args)
        answer = moto_route53().create_hosted_zone(Name=args.inputs["name"], CallerReference=f"created-{args.name}")
        zone_id = answer["HostedZone"]["Id"].rsplit("/", 1)[-1]
        state = {**args.inputs, "zoneId": zone_id, "nameServers": answer["DelegationSet"]["NameServers"],
                 "arn": f"arn:aws:route53:::hostedzone/{zone_id}"}
        self.resources.append(Declared(args.typ, args.name, dict(args.inputs), state))
        return zone_id, state


def run_user_program(
    directory: Path, source: str, *, project: str = "my-mail", region: str = "eu-west-1",
    existing_zones: tuple[str, ...] = (), mocks: Optional[RecordingMocks] = None,
    prepare: Optional[Callable[[Any, dict[str, str]], None]] = None,
) -> ProgramRun:
    """Writes ``source`` as ``__main__.py`` (with a ``Pulumi.yaml`` naming ``project``) into
    ``directory`` and runs it there; ``existing_zones`` exist in the account before the run. The
    region comes from the environment (``AWS_REGION``), as the AWS provider reads it."""
    assert ROOT not in directory.resolve().parents, "the program must run outside the repository"
    program = directory / "__main__.py"
    program.write_text(textwrap.dedent(source))
    (directory / "Pulumi.yaml").write_text(f"name: {project}\nruntime: python\n")
    with mock.patch.dict(os.environ, {"AWS_REGION": region}), fake_aws():
        zone_ids = create_zones(existing_zones)
        if prepare is not None:
            prepare(moto_route53(), zone_ids)
        here = os.getcwd()
        os.chdir(directory)
        try:
            run = _run_under_mocks({}, mocks or UserProgramMocks(), "dev", program, project=project)
        finally:
            os.chdir(here)
    run.zone_ids = zone_ids
    return run
