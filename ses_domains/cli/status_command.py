"""``ses-domains status``: the account's sending health at a glance, for a person and for CI.

Three reads, all at once, all within one deadline (``--timeout``): SESv2 ``GetAccount`` in the
stack's region, ``GetEmailIdentity`` for each identity of the stack (replicas in their regions),
and CloudWatch ``GetMetricData`` for the reputation rates over the last ``--days``. Each read runs
on a thread of its own that is abandoned at the deadline, so an endpoint that trickles bytes or
never answers costs the deadline and no more; what did not answer is "could not check".

Health: an identity not verified for sending (pending, failed, or not created in SES), an account
that may not send (sending disabled, or an enforcement status other than HEALTHY), or a rate whose
latest reading is at or past its level is a problem (exit 1). The sandbox is not a problem, nor is
"no data": an account that has sent little or nothing has no reputation metrics yet. Anything that
could not be read, with no problem found elsewhere, is exit 2; a problem found wins over it.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable, Optional, TypeVar

from ses_domains.cli.aws_clients import CALL_TIMEOUT_S, NO_CREDENTIALS, has_credentials, make_client
from ses_domains.cli.console import Console
from ses_domains.cli.errors import CommandError, ExitCode
from ses_domains.cli.render_status import status_json, status_text
from ses_domains.cli.ses_identities import IdentityReading, read_identities_with
from ses_domains.cli.stack_file import load_stack
from ses_domains.cli.status_report import (
    AccountCheck,
    IdentityCheck,
    IdentityKind,
    ReputationCheck,
    StatusIdentity,
    StatusReport,
    StatusVerdict,
)
from ses_domains.config.stack import StackSpec
from ses_domains.engine.deadline import Background, DeadlinePassed
from ses_domains.engine.job import identity_key
from ses_domains.engine.ses.account import SesAccountUnavailable, read_account
from ses_domains.engine.ses.client import AwsSettings, SesReader, ses_read_bucket
from ses_domains.engine.ses.errors import AwsSettingsError, SesThrottled
from ses_domains.engine.ses.pacing import retry_throttling
from ses_domains.engine.ses.reputation import ReputationLevels, ReputationUnavailable, read_reputation, window_for

T = TypeVar("T")
R = TypeVar("R")


def stack_identities(spec: StackSpec) -> tuple[StatusIdentity, ...]:
    """Each domain of the stack, then its replicas, in config order; then the email addresses."""
    identities = []
    for domain in spec.domains:
        mail_from = domain.mail_from is not None
        identities.append(StatusIdentity(domain.domain, IdentityKind.DOMAIN, None, mail_from))
        identities.extend(StatusIdentity(domain.domain, IdentityKind.DOMAIN, region, mail_from)
                          for region in domain.replica_regions)
    identities.extend(StatusIdentity(address.address, IdentityKind.EMAIL_ADDRESS) for address in spec.email_identities)
    return tuple(identities)


def reputation_levels(spec: StackSpec) -> ReputationLevels:
    """The stack's alarm levels when it declares reputation alarms: status and the alarms agree."""
    alarms = spec.reputation_alarms
    if alarms is None:
        return ReputationLevels()
    return ReputationLevels(bounce_rate=alarms.bounce_rate, complaint_rate=alarms.complaint_rate)


EXIT_CODES = {StatusVerdict.OK: ExitCode.OK, StatusVerdict.PROBLEMS: ExitCode.PROBLEMS,
              StatusVerdict.COULD_NOT_CHECK: ExitCode.CANNOT_RUN}


def run_status(args: argparse.Namespace, console: Console) -> ExitCode:
    loaded = load_stack(args.cwd, args.stack)
    console.warnings(loaded.spec.warnings)
    report = gather_status(loaded.name, loaded.spec, loaded.aws_settings, days=args.days,
                           timeout_s=args.timeout, levels=reputation_levels(loaded.spec))
    if args.output == "json":
        console.out.write(status_json(report))
    else:
        console.out.write(status_text(report, console.palette, chart=console.out_is_terminal))
    return EXIT_CODES[report.verdict]


def gather_status(stack: str, spec: StackSpec, settings: AwsSettings, *, days: int, timeout_s: float,
                  levels: ReputationLevels, now: Optional[datetime] = None) -> StatusReport:
    """Every read at once, each abandoned at ``timeout_s``; ``CommandError`` (exit 2) at once when
    there are no credentials or the stack's profile is unknown."""
    try:
        if not has_credentials(settings):
            raise CommandError(NO_CREDENTIALS)
    except AwsSettingsError as error:
        raise CommandError(str(error)) from None
    started = time.monotonic()
    call_timeout_s = min(CALL_TIMEOUT_S, timeout_s)
    window = window_for(days, now or datetime.now(timezone.utc))
    identities = stack_identities(spec)
    # Clients and sessions are made here: boto3 sessions are not thread-safe.
    ses_client = make_client(settings, "sesv2", call_timeout_s, attempts=1)  # throttling: retried below
    cloudwatch_client = make_client(settings, "cloudwatch", call_timeout_s)
    readers = {region: SesReader.from_settings(replace(settings, region=region or settings.region))
               for region in dict.fromkeys(identity.region for identity in identities)}

    # Throttling is retried until the deadline; SES reads share the account's bucket with the readers.
    deadline = started + timeout_s
    account = Background(lambda: retry_throttling(
        lambda _left: read_account(ses_client), what=f"GetAccount in {spec.region}", deadline=deadline,
        bucket=ses_read_bucket(settings)), "ses-account")
    reputation = Background(lambda: retry_throttling(
        lambda _left: read_reputation(cloudwatch_client, window), what=f"GetMetricData in {spec.region}",
        deadline=deadline, service="CloudWatch"), "cloudwatch-reputation")
    by_region = {
        region: Background(_identity_read(reader, [i.name for i in identities if i.region == region], call_timeout_s,
                                          deadline),
                           f"ses-identities {region or spec.region}")
        for region, reader in readers.items()
    }

    def remaining() -> float:
        return max(0.0, timeout_s - (time.monotonic() - started))

    no_answer = f"no answer within {timeout_s:g}s"
    account_check = _outcome(account, remaining(), no_answer, lambda a: AccountCheck(a),
                                    lambda why: AccountCheck(None, why), (SesAccountUnavailable, SesThrottled))
    reputation_check = _outcome(reputation, remaining(), no_answer,
                                          lambda r: ReputationCheck(window, levels, r),
                                          lambda why: ReputationCheck(window, levels, None, why),
                                          (ReputationUnavailable, SesThrottled))
    readings: dict[str, IdentityReading] = {}
    for region, read in by_region.items():
        names = [i.name for i in identities if i.region == region]
        found = _outcome(read, remaining(), no_answer, lambda r: r,
                             lambda why, names=names: {n: IdentityReading(n, problem=why) for n in names})
        readings.update({identity_key(name, region): reading for name, reading in found.items()})
    checks = tuple(IdentityCheck(identity, readings[identity.key]) for identity in identities)
    return StatusReport(stack, spec.region, account_check, checks, reputation_check)


def _identity_read(reader: SesReader, names: list[str], timeout_s: float,
                   deadline: float) -> Callable[[], dict[str, IdentityReading]]:
    return lambda: read_identities_with(reader, names, timeout_s, deadline_s=deadline - time.monotonic())


def _outcome(read: Background[T], wait_s: float, no_answer: str, done: Callable[[T], R], failed: Callable[[str], R],
             expected: type[BaseException] | tuple[type[BaseException], ...] = CommandError) -> R:
    """``done(value)``; ``failed(why)`` when the read raised ``expected`` (or ``CommandError``) or
    did not end within ``wait_s``."""
    try:
        value = read.result(wait_s)
    except DeadlinePassed:
        return failed(no_answer)
    except (*(expected if isinstance(expected, tuple) else (expected,)), CommandError) as error:
        return failed(str(error))
    return done(value)
