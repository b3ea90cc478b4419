"""The ReputationAlarms component: CloudWatch alarms on SES's bounce and complaint rates, in one
region (SES publishes each region's rates apart: a stack sending from two regions declares one per
region, each notifying a topic of its region)."""

from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired, TypedDict

from ses_domains.config.errors import Problem, Problems
from ses_domains.config.replicas import ses_region_problem
from ses_domains.config.reputation_alarms import REPUTATION_ALARM_KEYS, ReputationAlarmsSpec, read_reputation_alarms
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments
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


def alarm_name(rate: RateAlarm, configuration_set: Optional[str] = None, prefix: Optional[str] = None) -> str:
    """Unique per project and stack (alarm names are unique per account and region):
    ``<project>-<stack>-bounce-rate``, ``<project>-<stack>-set-<name>-bounce-rate``."""
    scope = f"-set-{configuration_set}" if configuration_set else ""
    return f"{prefix or f'{pulumi.get_project()}-{pulumi.get_stack()}'}{scope}-{rate.label}-rate"


class ReputationAlarmsArgs(TypedDict):
    """The arguments of ``ReputationAlarms``."""

    sns_topic_arn: pulumi.Input[str]
    """The ARN of the SNS topic the alarms notify, in the alarms' own region (CloudWatch notifies no other)."""
    bounce_rate: NotRequired[float]
    """The bounce rate at which an alarm goes off, a fraction (``0.05`` is 5 %); default: the level
    at which SES starts reviewing an account."""
    complaint_rate: NotRequired[float]
    """The complaint rate at which an alarm goes off, a fraction (``0.001`` is 0.1 %); default:
    SES's review level."""
    notify_ok: NotRequired[bool]
    """Also notify the topic when a rate is back under its level (default true)."""
    configuration_sets: NotRequired[list[str]]
    """Configuration sets that get two alarms of their own (dimension ``ses:configuration-set``):
    each must have reputation metrics on, or its alarms never go off."""
    name_prefix: NotRequired[str]
    """The start of each alarm's name (alarm names are unique per account and region); default
    ``<project>-<stack>``."""
    region: NotRequired[str]
    """The SES region whose rates the alarms watch, where they are declared (pulumi-aws's
    per-resource ``region``); default the AWS provider's. The topic must be of this region."""


class ReputationAlarms(pulumi.ComponentResource):
    """Two CloudWatch alarms for the account (bounce and complaint rate), and two for each
    configuration set named, each going off at its level or above and notifying the topic."""

    alarm_arns: pulumi.Output[dict[str, str]]
    """Alarm name -> its ARN."""

    def __init__(
        self,
        name: str,
        args: ReputationAlarmsArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        set_names: Optional[Mapping[str, pulumi.Input[str]]] = None,
    ):
        """``set_names`` (the stack program's): each alarmed configuration set's name as its
        resource outputs it, so that the set's alarms follow the set."""
        checked = CheckedArgs("ReputationAlarms", args, check_alarm_args)
        known = dict(checked.values)
        if not checked.is_known("sns_topic_arn"):
            known["sns_topic_arn"] = _KNOWN_LATER_TOPIC  # judged in an apply once known
        spec = _spec(known)
        self._topic = checked.get("sns_topic_arn")
        self._region = checked.get("region")
        super().__init__("ses-domains:index:ReputationAlarms", name, None, opts)
        prefix = checked.values.get("name_prefix")
        self._alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        for rate in RATES:
            self._alarm(f"{name}-{rate.label}-rate", spec, rate, None, None, prefix)
        for set_name in spec.configuration_sets:
            for rate in RATES:
                self._alarm(f"{name}-{set_name}-{rate.label}-rate", spec, rate, set_name,
                            (set_names or {}).get(set_name, set_name), prefix)
        arns = {alarm: resource.arn for alarm, resource in self._alarms.items()}
        self.alarm_arns = arns  # type: ignore[assignment]  # a dict of outputs: the stack exports it so
        self.register_outputs({"alarmArns": self.alarm_arns})

    @property
    def alarms(self) -> "dict[str, aws.cloudwatch.MetricAlarm]":
        return self._alarms

    def _alarm(
        self,
        resource_name: str,
        spec: ReputationAlarmsSpec,
        rate: RateAlarm,
        set_name: Optional[str],
        set_output: Optional[pulumi.Input[str]],
        prefix: Optional[str] = None,
    ) -> None:
        threshold = spec.bounce_rate if rate.label == "bounce" else spec.complaint_rate
        name = alarm_name(rate, set_name, prefix)
        scope = f"configuration set {set_name}" if set_name else "the account"
        self._alarms[name] = aws.cloudwatch.MetricAlarm(
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
            alarm_actions=[self._topic],
            ok_actions=[self._topic] if spec.notify_ok else None,
            region=self._region,
            # Explicit names: the provider refuses to create an alarm whose name exists.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )


_KNOWN_LATER_TOPIC = "arn:aws:sns:us-east-1:000000000000:known-later"


_NOT_CONFIG = ("name_prefix", "region")
"""Arguments the stack config's ``reputationAlarms`` has no key for."""


def check_alarm_args(args: dict) -> list[Problem]:
    problems = Problems()
    spec = read_reputation_alarms(config_mapping({k: v for k, v in args.items() if k not in _NOT_CONFIG}),
                                  ROOT, problems, [])
    found = unknown_arguments(args, ReputationAlarmsArgs.__annotations__)
    prefix = args.get("name_prefix")
    if prefix is not None and (not isinstance(prefix, str) or not prefix.strip()):
        found.append(Problem("name_prefix", "must be a non-empty string"))
    region = args.get("region")
    region_problem = ses_region_problem(region) if region is not None else None
    if region_problem:
        found.append(Problem("region", region_problem))
    # A region known only later (None here, the key present) is judged once known.
    alarms_region = region if "region" in args else pulumi.Config("aws").get("region")
    if spec is not None and spec.topic_region and not region_problem and alarms_region \
            and spec.topic_region != alarms_region:
        where = "region" if region else "the AWS provider's region (aws:region)"
        found.append(Problem("sns_topic_arn", f"the topic is in {spec.topic_region}, but the alarms are in "
                                              f"{alarms_region} ({where}): a CloudWatch alarm notifies only a topic of "
                                              f"its own region; give a topic of {alarms_region}"))
    return found + as_arguments(problems.found, REPUTATION_ALARM_KEYS)


def _spec(args: dict) -> ReputationAlarmsSpec:
    spec = read_reputation_alarms(
        config_mapping({k: v for k, v in args.items() if k not in _NOT_CONFIG}), ROOT, Problems(), []
    )
    assert spec is not None  # the arguments were judged already
    return spec


def reputation_alarms_args(spec: ReputationAlarmsSpec) -> ReputationAlarmsArgs:
    """The stack's ``ses-domains:reputationAlarms`` as the component's arguments (in the stack's region)."""
    return ReputationAlarmsArgs(
        sns_topic_arn=spec.sns_topic_arn, bounce_rate=spec.bounce_rate, complaint_rate=spec.complaint_rate,
        notify_ok=spec.notify_ok, configuration_sets=list(spec.configuration_sets),
    )


def declare_reputation_alarms(
    spec: Optional[ReputationAlarmsSpec], set_names: Mapping[str, pulumi.Input[str]]
) -> Optional[ReputationAlarms]:
    """The component, or ``None`` without ``ses-domains:reputationAlarms``."""
    if spec is None:
        return None
    return ReputationAlarms("reputation-alarms", reputation_alarms_args(spec), set_names=set_names)
