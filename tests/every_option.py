"""The every-option stack (tests/stacks/every_option.yaml) and the AWS it needs around it.

One place for every test that runs it: the AWS-rules layer, the deployer policy, the policy pack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.aws_rules import load_stack_file
from tests.fake_inbound import InboundWorld
from tests.pulumi_program import RecordingMocks

EVERY_OPTION = Path(__file__).parent / "stacks" / "every_option.yaml"


def every_option_config() -> dict[str, Any]:
    return load_stack_file(EVERY_OPTION)


def every_option_mocks() -> RecordingMocks:
    """What the every-option stack's receiving finds at preview: its ruleSet is SES's active rule set,
    and the bucket whose policy is the user's (bucketPolicy: false) grants SES already."""
    own = {"Version": "2012-10-17", "Statement": [{"Sid": "Mine", "Effect": "Allow",
                                                    "Principal": {"Service": "ses.amazonaws.com"},
                                                    "Action": "s3:PutObject", "Resource": "arn:aws:s3:::news.mail.example.org/*"}]}
    return RecordingMocks(inbound=InboundWorld(active_rule_set="every-option-inbound",
                                               policies={"news.mail.example.org": json.dumps(own)}))
