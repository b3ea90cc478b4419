"""What ``check``'s bulk-sender readiness is judged from (``engine.bulk_sender``), gathered from
what the command already has: the stack's config, SES's reading of each identity, the audit of
its DNS; and the one read of its own, the account's reputation rates, as ``status`` reads them
(CloudWatch ``GetMetricData``), made while the DNS is audited."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Optional

from ses_domains.cli.aws_clients import CALL_TIMEOUT_S, NO_CREDENTIALS, has_credentials, make_client
from ses_domains.cli.domain_plans import DomainPlan
from ses_domains.cli.errors import CommandError
from ses_domains.config.stack import StackSpec
from ses_domains.engine.audit import DomainAudit
from ses_domains.engine.bulk_sender import AccountRates, Observations, SendingSetup
from ses_domains.engine.deadline import Background, DeadlinePassed
from ses_domains.engine.ses.client import AwsSettings
from ses_domains.engine.ses.errors import AwsSettingsError
from ses_domains.records.dkim_keys import DkimKeyError, read_public_key
from ses_domains.engine.ses.reputation import ReputationReading, ReputationUnavailable, read_reputation, window_for

RATES_DAYS = 7
"""The rates' window (``status``'s default): the latest reading in it is judged."""


class RatesRead:
    """The account's reputation rates, read on a thread of their own from the moment this is made;
    ``rates()`` waits for them until ``CALL_TIMEOUT_S`` after the start, at most."""

    def __init__(self, settings: AwsSettings, timeout_s: float = CALL_TIMEOUT_S):
        self.timeout_s = timeout_s
        self._started = time.monotonic()
        self._unread = ""
        self._read: Optional[Background[ReputationReading]] = None
        try:
            if not has_credentials(settings):
                self._unread = NO_CREDENTIALS
                return
            client = make_client(settings, "cloudwatch", timeout_s, attempts=1)
        except (AwsSettingsError, CommandError) as error:
            self._unread = str(error)
            return
        window = window_for(RATES_DAYS, datetime.now(timezone.utc))
        self._read = Background(lambda: read_reputation(client, window), "cloudwatch-reputation")

    def rates(self) -> AccountRates:
        if self._read is None:
            return AccountRates(unread=self._unread)
        try:
            reading = self._read.result(self.timeout_s - (time.monotonic() - self._started))
        except DeadlinePassed:
            return AccountRates(unread=f"CloudWatch gave no answer within {self.timeout_s:g}s")
        except ReputationUnavailable as error:
            return AccountRates(unread=str(error))
        return AccountRates(complaint=reading.complaint_rate.latest, bounce=reading.bounce_rate.latest)


def sending_setup(plan: DomainPlan, spec: StackSpec, audit: Optional[DomainAudit]) -> SendingSetup:
    domain = plan.spec
    sets = {s.name: s for s in spec.configuration_sets}
    chosen = sets.get(domain.configuration_set) if domain.configuration_set else None
    contact_list = spec.contact_lists[0] if spec.contact_lists else None
    return SendingSetup(
        domain=domain.domain,
        key=domain.key,
        mail_from_domain=domain.mail_from,
        dmarc_declared=domain.dmarc is not None,
        byodkim_key_bits=_byodkim_bits(plan, audit),
        configuration_set=domain.configuration_set,
        configuration_set_key=chosen.key if chosen else None,
        tls_policy=chosen.tls_policy if chosen else None,
        contact_list=contact_list.name if contact_list else None,
        contact_list_topics=len(contact_list.topics) if contact_list else 0,
        application_list_unsubscribe=domain.application_list_unsubscribe,
    )


def _byodkim_bits(plan: DomainPlan, audit: Optional[DomainAudit]) -> Optional[int]:
    """The BYODKIM key's bits: the stack's key when the command can read it, else the key its
    selector's record serves (as the audit found it)."""
    byodkim = plan.spec.byodkim
    if byodkim is None:
        return None
    if byodkim.key is not None:
        return byodkim.key.public.bits
    name = f"{byodkim.selector}._domainkey.{plan.domain}"
    for record in audit.records if audit is not None else ():
        if record.record.name.rstrip(".").lower() != name or record.record.type != "TXT":
            continue
        for server in record.servers:
            for value in server.served:
                tags = dict(part.strip().split("=", 1) for part in value.replace('"', "").split(";") if "=" in part)
                try:
                    return read_public_key(tags.get("p", "")).bits
                except DkimKeyError:
                    continue
    return None


def observations(plan: DomainPlan, audit: Optional[DomainAudit], gaps: tuple[str, ...]) -> Observations:
    identity = plan.identity
    email_auth = audit.email_auth if audit is not None else None
    unread = "; ".join(gaps) or "the domain's nameservers were not asked"
    return Observations(identity=identity.status, identity_unread=identity.problem or "SES gave no answer",
                        email_auth=email_auth, email_auth_unread="" if email_auth is not None else unread)
