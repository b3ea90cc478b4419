"""Importing the program loads only the pulumi-aws modules every stack uses (Route 53, SESv2):
each other one (CloudWatch, SES v1, SNS) costs 0.05 to 0.3 s of every run, also for stacks that
declare nothing of it. pulumi-aws loads a module on its first attribute access, so an annotation
evaluated at import (a method's return type) is enough to load it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_LOADED = """
import json, sys, types
import ses_domains.deploy.program
loaded = sorted(name for name, module in sys.modules.items()
                if name.startswith("pulumi_aws.") and name.count(".") == 1 and type(module) is types.ModuleType
                and "__path__" in vars(module) and len(vars(module)) > 12)
print(json.dumps(loaded))
"""


def test_importing_the_program_loads_only_route53_and_sesv2_of_pulumi_aws():
    done = subprocess.run([sys.executable, "-c", _LOADED], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert {"pulumi_aws.route53", "pulumi_aws.sesv2"} <= loaded  # the check sees loaded modules
    assert loaded <= {"pulumi_aws.route53", "pulumi_aws.sesv2"}, sorted(loaded)
