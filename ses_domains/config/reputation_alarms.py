"""``ses-domains:reputationAlarms``: CloudWatch alarms on SES's reputation metrics, notifying an SNS topic.

SES publishes ``Reputation.BounceRate`` and ``Reputation.ComplaintRate`` (namespace ``AWS/SES``) as
fractions from 0 to 1 (SES Developer Guide, "Creating reputation monitoring alarms using
CloudWatch"), for the account and, for a configuration set with reputation metrics on, with the
``ses:configuration-set`` dimension. A rate is therefore written as a fraction: ``0.05`` is 5 %;
``5`` is refused with that suggestion. The defaults are the levels at which SES starts reviewing an
account (``records.ses``). A CloudWatch alarm notifies only an SNS topic of its own region
(PutMetricAlarm refuses another region: "Invalid region ... specified. Only <region> is
supported"), so the topic must be in the stack's region. SES publishes these metrics per region:
a global endpoint's other region gets alarms of its own, notifying a topic of that region given
under ``globalEndpoint.alarmTopics`` (:func:`check_secondary_alarm_topics`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ses_domains.config.configuration_sets import ConfigurationSetSpec, ConfigurationSets
from ses_domains.config.errors import Problems
from ses_domains.config.arns import arn_problem
from ses_domains.config.fields import Section, as_text, describe, top_level_key
from ses_domains.records.ses import BOUNCE_RATE_REVIEW_LEVEL, COMPLAINT_RATE_REVIEW_LEVEL

REPUTATION_ALARM_KEYS = ("snsTopicArn", "bounceRate", "complaintRate", "notifyOk", "configurationSets")

_TOPIC_ARN = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z]+)*):sns:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+):(?P<account>\d{12}):"
    r"(?P<name>[A-Za-z0-9_-]{1,256})(?:\.fifo)?$"
)


@dataclass(frozen=True)
class ReputationAlarmsSpec:
    key: str
    sns_topic_arn: str
    bounce_rate: float
    """The alarm goes off at this bounce rate or above (a fraction: 0.05 is 5 %)."""
    complaint_rate: float
    notify_ok: bool
    """Also notify the topic when a rate is back under its level."""
    configuration_sets: tuple[str, ...]
    """Sets of this stack that get alarms of their own (with the ``ses:configuration-set`` dimension)."""

    @property
    def topic_region(self) -> str:
        match = _TOPIC_ARN.match(self.sns_topic_arn)
        return match.group("region") if match else ""


def read_reputation_alarms(
    raw: Any, key: str, problems: Problems, warnings: list[str]
) -> Optional[ReputationAlarmsSpec]:
    if raw is None:
        return None
    section = Section(raw, key, problems, REPUTATION_ALARM_KEYS)
    before = len(problems.found)
    topic = _topic_arn(section)
    bounce = _rate(section, "bounceRate", BOUNCE_RATE_REVIEW_LEVEL, "bounce", warnings)
    complaint = _rate(section, "complaintRate", COMPLAINT_RATE_REVIEW_LEVEL, "complaint", warnings)
    notify_ok = section.boolean("notifyOk", default=True)
    names = _set_names(section)
    if len(problems.found) != before or topic is None:
        return None
    return ReputationAlarmsSpec(key=key, sns_topic_arn=topic, bounce_rate=bounce, complaint_rate=complaint,
                                notify_ok=notify_ok, configuration_sets=names)


def check_reputation_alarms(
    spec: Optional[ReputationAlarmsSpec],
    configuration_sets: ConfigurationSets,
    region: str,
    problems: Problems,
) -> None:
    """The topic is in the stack's region; each named set is a set of this stack that publishes
    reputation metrics (SES publishes a set's own metrics only with ``reputationMetrics`` on: an
    alarm on one that does not would never go off)."""
    if spec is None:
        return
    if spec.topic_region and spec.topic_region != region:
        problems.add(
            f"{spec.key}.snsTopicArn",
            f"the topic is in {spec.topic_region}, but the alarms are in {region} (aws:region): a CloudWatch alarm "
            f"notifies only a topic of its own region; give a topic in {region}",
        )
    by_name: dict[str, ConfigurationSetSpec] = {s.name: s for s in configuration_sets.specs}
    for index, name in enumerate(spec.configuration_sets):
        item_key = f"{spec.key}.configurationSets[{index}]"
        if name in configuration_sets.names_with_problems:
            continue
        configuration_set = by_name.get(name)
        if configuration_set is None:
            declared = ", ".join(sorted(by_name)) or "none is declared"
            problems.add(item_key, f"there is no configuration set {name} in {top_level_key(spec.key, 'configurationSets')} ({declared})")
        elif not configuration_set.reputation_metrics:
            problems.add(
                item_key,
                f"{name} has reputationMetrics false ({configuration_set.key}.reputationMetrics): SES publishes no "
                "reputation metrics for it, so its alarms would never go off; turn reputationMetrics on or remove "
                "it from this list",
            )


def check_secondary_alarm_topics(
    spec: Optional[ReputationAlarmsSpec], endpoint_key: str, secondary_regions: tuple[str, ...],
    alarm_topics: Mapping[str, str], problems: Problems, warnings: list[str],
) -> None:
    """With a global endpoint, each of its regions other than ``aws:region`` gets the alarms too
    (SES publishes each region's rates apart), notifying a topic of that region given in
    ``<endpoint_key>.alarmTopics``; no entry for any other region. A region without a topic gets no
    alarms and a warning: stacks deployed before the key existed keep working unchanged."""
    topics_key = f"{endpoint_key}.{ALARM_TOPICS_KEY}"
    if spec is None:
        if alarm_topics:
            problems.add(topics_key, f"there are no reputation alarms to notify: set "
                                     f"{top_level_key(endpoint_key, 'reputationAlarms')}, or leave {ALARM_TOPICS_KEY} out")
        return
    for region in secondary_regions:
        if region not in alarm_topics:
            warnings.append(
                f"{topics_key}.{region}: not set, so {region} has no reputation alarms: {endpoint_key} also sends "
                f"from {region}, where SES publishes that region's bounce and complaint rates apart, and a "
                f"CloudWatch alarm notifies only a topic of its own region ({spec.key}.snsTopicArn is in "
                f"{spec.topic_region}); give an SNS topic of {region} such as "
                f"arn:aws:sns:{region}:123456789012:ses-alarms")
    for region in alarm_topics:
        if region not in secondary_regions:
            problems.add(f"{topics_key}.{region}",
                         f"{region} is not a region of {endpoint_key} other than aws:region (those are: "
                         f"{', '.join(secondary_regions) or 'none'}); the alarms of aws:region notify {spec.key}.snsTopicArn")


ALARM_TOPICS_KEY = "alarmTopics"


def read_alarm_topics(raw: Any, key: str, problems: Problems) -> dict[str, str]:
    """``globalEndpoint.alarmTopics``: region -> the SNS topic ARN the alarms of that region notify."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add(key, f"must be a mapping of region -> SNS topic ARN of that region, got {describe(raw)}")
        return {}
    topics: dict[str, str] = {}
    for region, value in raw.items():
        item_key = f"{key}.{region}"
        topic = topic_arn(value, item_key, problems, f"an SNS topic ARN of {region} such as "
                                                     f"arn:aws:sns:{region}:123456789012:ses-alarms")
        if topic is None:
            continue
        named = _TOPIC_ARN.match(topic).group("region")  # type: ignore[union-attr]  # topic_arn matched it
        if named != region:
            problems.add(item_key, f"names {named}, but this entry is for {region}: a CloudWatch alarm notifies "
                                   f"only a topic of its own region; give a topic of {region}")
            continue
        topics[str(region)] = topic
    return topics


def topic_arn(raw: Any, key: str, problems: Problems, expected: str) -> Optional[str]:
    """``raw`` when it is an SNS topic ARN; otherwise a problem under ``key`` saying why."""
    if not isinstance(raw, str) or not _TOPIC_ARN.match(raw):
        reason = arn_problem(raw, "sns")
        problems.add(key, f"must be {expected}, got {describe(raw)}{', ' + reason if reason else ''}")
        return None
    return raw


def _topic_arn(section: Section) -> Optional[str]:
    raw = section.raw.get("snsTopicArn")
    expected = "an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:ses-alarms"
    if raw is None:
        section.problem("snsTopicArn", f"is required: {expected}, the topic the alarms notify")
        return None
    return topic_arn(raw, section.path("snsTopicArn"), section.problems, expected)


def _rate(section: Section, name: str, default: float, what: str, warnings: list[str]) -> float:
    raw = section.raw.get(name)
    if raw is None:
        return default
    example = f"{default:g}"
    if isinstance(raw, str) and raw.strip().endswith("%"):
        number = _number(raw.strip()[:-1])
        hint = f"; {raw.strip()} is {number / 100:g}" if number is not None else ""
        section.problem(name, f"must be a fraction from 0 to 1 such as {example}, not a percentage{hint}")
        return default
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        section.problem(name, f"must be a fraction from 0 to 1 such as {example}, got {describe(raw)}")
        return default
    value = float(raw)
    if 1 <= value <= 100:
        section.problem(
            name,
            f"is a fraction from 0 to 1, as SES publishes the {what} rate: {raw} would mean {value * 100:g} %; "
            f"for {raw} % write {value / 100:g}",
        )
        return default
    if not 0 < value < 1:
        section.problem(name, f"must be a fraction above 0 and below 1 such as {example}, got {raw}")
        return default
    if value > default:
        warnings.append(
            f"{section.path(name)}: {value:g} is above {default:g}, the {what} rate at which SES starts reviewing "
            "the account: the alarm would go off only after that"
        )
    return value


def _number(text: str) -> Optional[float]:
    try:
        return float(text)
    except ValueError:
        return None


def _set_names(section: Section) -> tuple[str, ...]:
    raw = section.raw.get("configurationSets")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        section.problem("configurationSets", f"must be a list of configuration set names of this stack, got {describe(raw)}")
        return ()
    names: list[str] = []
    for key, item in section.items("configurationSets"):
        name = as_text(item)
        if not isinstance(name, str) or not name.strip():
            section.problems.add(key, f"must be the name of a configuration set of this stack, got {describe(item)}")
        elif name in names:
            section.problems.add(key, f"{name} is listed twice")
        else:
            names.append(name)
    return tuple(names)
