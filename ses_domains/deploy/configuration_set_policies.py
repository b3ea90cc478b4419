"""IAM policy documents that let SES, for one configuration set of one account, reach a sink.

Pure functions returning dicts. Every grant to the SES service principal carries
``aws:SourceAccount`` and ``aws:SourceArn``: without them any SES customer's configuration set
could be pointed at this topic or role (the confused-deputy problem).
"""

from __future__ import annotations

SES_PRINCIPAL = "ses.amazonaws.com"
FIREHOSE_ACTIONS = ("firehose:PutRecord", "firehose:PutRecordBatch")


def source_conditions(account_id: str, configuration_set_arn: str) -> dict:
    return {"StringEquals": {"aws:SourceAccount": account_id, "aws:SourceArn": configuration_set_arn}}


def sns_topic_policy(topic_arn: str, account_id: str, configuration_set_arn: str) -> dict:
    """Only SES, publishing events of this configuration set of this account, may publish."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowSesEventPublishing",
                "Effect": "Allow",
                "Principal": {"Service": SES_PRINCIPAL},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": source_conditions(account_id, configuration_set_arn),
            }
        ],
    }


def firehose_trust_policy(account_id: str, configuration_set_arn: str) -> dict:
    """Only SES, for this configuration set of this account, may assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowSesToAssume",
                "Effect": "Allow",
                "Principal": {"Service": SES_PRINCIPAL},
                "Action": "sts:AssumeRole",
                "Condition": source_conditions(account_id, configuration_set_arn),
            }
        ],
    }


def firehose_put_policy(delivery_stream_arn: str) -> dict:
    """Put records to this one stream, nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PutSesEvents",
                "Effect": "Allow",
                "Action": list(FIREHOSE_ACTIONS),
                "Resource": delivery_stream_arn,
            }
        ],
    }


def default_event_bus_arn(partition: str, region: str, account_id: str) -> str:
    """SES publishes to the default bus only."""
    return f"arn:{partition}:events:{region}:{account_id}:event-bus/default"

