"""examples/python runs as a user's program would (copied outside the repository, under its own
project name) and declares what its docstring promises."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.public_program import run_user_program

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "python"
VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"


def test_the_python_example_declares_two_domains_a_zone_and_a_configuration_set(tmp_path):
    for name in ("Pulumi.yaml", "requirements.txt"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    run = run_user_program(tmp_path, (EXAMPLE / "__main__.py").read_text(), project="ses-domains-example",
                           existing_zones=("example.org",))
    new_zone = run.named("example-com").state["zoneId"]
    existing_zone = run.zone_ids["example.org"]

    identities = {i.inputs["emailIdentity"]: i for i in run.of_type("aws:sesv2/emailIdentity:EmailIdentity")}
    assert sorted(identities) == ["example.org", "mail.example.com"]
    assert identities["mail.example.com"].inputs["configurationSetName"] == "transactional"
    assert "configurationSetName" not in identities["example.org"].inputs

    by_zone: dict[str, set] = {}
    for record in run.of_type("aws:route53/record:Record"):
        by_zone.setdefault(record.inputs["zoneId"], set()).add((record.inputs["name"], record.inputs["type"]))
    assert {(name, kind) for name, kind in by_zone[new_zone] if kind != "CNAME"} == {
        ("bounce.mail.example.com", "MX"), ("bounce.mail.example.com", "TXT"), ("_dmarc.mail.example.com", "TXT")}
    assert sum(kind == "CNAME" for _, kind in by_zone[new_zone]) == 3
    assert {(name, kind) for name, kind in by_zone[existing_zone] if kind != "CNAME"} == {("_dmarc.example.org", "TXT")}
    assert sum(kind == "CNAME" for _, kind in by_zone[existing_zone]) == 3

    [step] = run.of_type(VERIFICATION)
    assert sorted(step.inputs["domains"]) == ["example.org", "mail.example.com"]
    assert step.inputs["domains"]["example.org"]["timeoutSeconds"] == 1800
    [destination] = run.of_type("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination")
    assert destination.inputs["eventDestination"]["snsDestination"]["topicArn"].endswith(":ses-bounces")
    assert set(run.outputs["domains"]) == {"example.org", "mail.example.com"}
    assert run.outputs["domains"]["mail.example.com"]["identityArn"].endswith(":identity/mail.example.com")
