"""The ReputationAlarms component: CloudWatch alarms on SES's bounce and complaint rates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.reputation_alarms import ReputationAlarmsSpec
from ses_domains.records.ses import (
    BOUNCE_RATE_METRIC,
    COMPLAINT_RATE_METRIC,
    CONFIGURATION_SET_DIMENSION,
    REPUTATION_NAMESPACE,
)

ALARM_PERIOD_SECONDS = 3600
"""SES's reputation rates move slowly (each is computed over a representative volume of mail, not
a time window) and SES does not document how often it publishes them: the worst reading of each
hour is judged."""
ALARM_STATISTIC = "Maximum"
MISSING_DATA = "notBreaching"
"""SES publishes no rate before an account's (or set's) first bounce or complaint: no data is not
a breach, so a quiet account's alarms show OK, not INSUFFICIENT_DATA."""


@dataclass(frozen=True)
class RateAlarm:
    """One rate the component watches."""

    metric: str
    label: str
    """``bounce`` or ``complaint``."""


RATES = (RateAlarm(BOUNCE_RATE_METRIC, "bounce"), RateAlarm(COMPLAINT_RATE_METRIC, "complaint"))


def alarm_name(rate: RateAlarm, configuration_set: Optional[str] = None) -> str:
    """Unique per project and stack (alarm names are unique per account and region):
    ``<project>-<stack>-bounce-rate``, ``<project>-<stack>-set-<name>-bounce-rate``."""
    scope = f"-set-{configuration_set}" if configuration_set else ""
    return f"{pulumi.get_project()}-{pulumi.get_stack()}{scope}-{rate.label}-rate"


class ReputationAlarms(pulumi.ComponentResource):
    """Two alarms for the account (bounce and complaint rate), and two for each configuration set
    named in ``configurationSets`` (dimension ``ses:configuration-set``), each going off at its
    level or above and notifying the topic (and, with ``notifyOk``, when it is back under).

    Outputs: ``alarm_arns`` (alarm name -> ARN)."""

    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    alarm_arns: dict[str, pulumi.Output[str]]

    def __init__(
        self,
        name: str,
        spec: ReputationAlarmsSpec,
        set_names: Mapping[str, pulumi.Input[str]],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        """``set_names``: each alarmed configuration set's name as its resource outputs it (so that
        the set's alarms follow the set)."""
        super().__init__("ses-domains:index:ReputationAlarms", name, None, opts)
        self.alarms = {}
        for rate in RATES:
            self._alarm(f"{name}-{rate.label}-rate", spec, rate, None, None)
        for set_name in spec.configuration_sets:
            for rate in RATES:
                self._alarm(f"{name}-{set_name}-{rate.label}-rate", spec, rate, set_name, set_names[set_name])
        self.alarm_arns = {alarm: resource.arn for alarm, resource in self.alarms.items()}
        self.register_outputs({"alarmArns": self.alarm_arns})

    def _alarm(
        self,
        resource_name: str,
        spec: ReputationAlarmsSpec,
        rate: RateAlarm,
        set_name: Optional[str],
        set_output: Optional[pulumi.Input[str]],
    ) -> None:
        threshold = spec.bounce_rate if rate.label == "bounce" else spec.complaint_rate
        name = alarm_name(rate, set_name)
        scope = f"configuration set {set_name}" if set_name else "the account"
        self.alarms[name] = aws.cloudwatch.MetricAlarm(
            resource_name,
            name=name,
            alarm_description=(
                f"SES {rate.label} rate of {scope} at or above {threshold:g} ({threshold * 100:g} %); "
                "managed by ses-domains"
            ),
            namespace=REPUTATION_NAMESPACE,
            metric_name=rate.metric,
            dimensions={CONFIGURATION_SET_DIMENSION: set_output} if set_output is not None else None,
            statistic=ALARM_STATISTIC,
            period=ALARM_PERIOD_SECONDS,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            threshold=threshold,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data=MISSING_DATA,
            actions_enabled=True,
            alarm_actions=[spec.sns_topic_arn],
            ok_actions=[spec.sns_topic_arn] if spec.notify_ok else None,
            # Explicit names: the provider refuses to create an alarm whose name exists.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )


def declare_reputation_alarms(
    spec: Optional[ReputationAlarmsSpec], set_names: Mapping[str, pulumi.Input[str]]
) -> Optional[ReputationAlarms]:
    """The component, or ``None`` without ``ses-domains:reputationAlarms``."""
    if spec is None:
        return None
    return ReputationAlarms("reputation-alarms", spec, set_names)
