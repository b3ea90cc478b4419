"""``ses-domains send-test``: one test message through SESv2 ``SendEmail``, from the stack's account
and region: a formatted message that says where it came from, a raw MIME file, or a stored template.

Everything that can be checked here (addresses, the raw file, the template data) is checked first;
then ``GetAccount``; in the sandbox, each recipient's identities (``GetEmailIdentity``, all at once),
refusing before ``SendEmail`` a recipient SES would not deliver to; then one ``SendEmail``, never
repeated. Each call answers within ``--timeout`` or the command stops with exit 2.
"""

from __future__ import annotations

import argparse
import html
import json
import time
from datetime import datetime, timezone
from email.utils import parseaddr
from pathlib import Path
from typing import Optional, Sequence

from ses_domains.cli import interrupt
from ses_domains.cli.aws_clients import make_client
from ses_domains.cli.console import Console
from ses_domains.cli.errors import CommandError, ExitCode
from ses_domains.cli.ses_identities import read_identities_with
from ses_domains.cli.stack_file import LoadedStack, load_stack
from ses_domains.config.handlebars import check_test_data
from ses_domains.engine.ses.account import AccountStatus, SesAccountUnavailable, read_account
from ses_domains.engine.ses.client import SesReader
from ses_domains.engine.deadline import DeadlinePassed, call_within
from ses_domains.engine.ses.errors import AwsSettingsError, SesThrottled
from ses_domains.engine.ses.pacing import retry_throttling
from ses_domains.engine.ses.raw_message import RawMessageError, check_raw_message
from ses_domains.engine.ses.sandbox import (
    SIMULATOR_DOMAIN,
    RefusedRecipient,
    covering_identities,
    identities_to_ask,
    refused_recipients,
)
from ses_domains.engine.ses.send import (
    Message,
    MessageInvalid,
    Outgoing,
    RawMessage,
    SendError,
    SendUnanswered,
    SimpleMessage,
    TemplateMessage,
    send_email,
)


def bare(address: str) -> str:
    """``Name <a@b.c>`` -> ``a@b.c``."""
    return parseaddr(address)[1]


def run_send_test(args: argparse.Namespace, console: Console) -> ExitCode:
    with interrupt.saying("nothing was sent"):
        client, outgoing, region = _prepare(args, console)
    try:
        with interrupt.saying("SendEmail had been called, so the message may or may not have been sent"):
            message_id = send_email(client, outgoing, timeout_s=args.timeout)
    except SendUnanswered as error:
        raise CommandError(str(error)) from None
    except SendError as error:
        raise CommandError(f"not sent: {error}") from None
    if args.output == "json":
        console.out.write(json.dumps({
            "message_id": message_id, "from": args.from_address, "to": list(outgoing.to), "region": region,
            "configuration_set": args.configuration_set, "message": _kind(outgoing.message),
            "sent_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        }, indent=2) + "\n")
    else:
        console.out.write(message_id + "\n")
    console.out.flush()
    through = f", configuration set {args.configuration_set}" if args.configuration_set else ""
    console.err.write(
        f"sent {_kind(outgoing.message)} from {args.from_address} to {', '.join(outgoing.to)} through SES in "
        f"{region}{through}: message id {message_id}\n"
    )
    console.err.flush()
    return ExitCode.OK


def _prepare(args: argparse.Namespace, console: Console) -> tuple[object, Outgoing, str]:
    """The SES client, the message and the account's region, once all that can refuse the message
    before ``SendEmail`` has had its say."""
    loaded = load_stack(args.cwd, args.stack)
    recipients = tuple(args.to)
    sent_at = datetime.now(timezone.utc).replace(microsecond=0)
    message = _message(args, loaded, sent_at, console)
    client = make_client(loaded.aws_settings, "sesv2", args.timeout, attempts=1)
    account = _read_account(client, args.timeout)
    if account.in_sandbox:
        _refuse_sandbox_recipients(loaded, account, [bare(r) for r in recipients], args.timeout)
        console.note(
            f"the SES account is in the sandbox in {account.region} ({_quota(account)}); a verified identity "
            "covers every recipient"
        )
    return client, Outgoing(args.from_address, recipients, message, args.configuration_set), account.region


def _message(args: argparse.Namespace, loaded: LoadedStack, sent_at: datetime, console: Console) -> Message:
    if args.data is not None and args.template is None:
        raise CommandError("--data goes with --template NAME (it fills the template's placeholders)")
    if args.raw is not None:
        return _raw_message(args.raw, args.from_address, args.to, console)
    if args.template is not None:
        return _template_message(args.template, args.data, loaded, console)
    region = loaded.spec.region
    subject = args.subject or (
        f"ses-domains test from stack {loaded.name} ({region}) at {sent_at:%Y-%m-%d %H:%M:%S} UTC"
    )
    return _simple_message(subject, loaded.name, region, args, sent_at)


def _template_message(name: str, data: Optional[str], loaded: LoadedStack, console: Console) -> TemplateMessage:
    """A template of the stack sends its ``testData`` unless ``--data`` is given, and ``--data`` must
    fill each of its placeholders; a template the stack does not declare needs ``--data``."""
    declared = next((template for template in loaded.spec.templates if template.name == name), None)
    if data is None and declared is None:
        raise CommandError(
            f"--template {name} needs --data: a JSON object for its placeholders, as text or @FILE "
            "(for example --data '{\"name\": \"Ann\"}'); a template in ses-domains:templates sends its testData"
        )
    text = json.dumps(declared.test_data) if data is None and declared is not None else _data_text(data or "")
    try:
        message = TemplateMessage.from_json(name, text)
    except MessageInvalid as error:
        raise CommandError(f"--data: {error}") from None
    if declared is not None and data is not None:
        problems = check_test_data(declared.placeholders, json.loads(message.data_json), "--data")
        missing = [p.message for p in problems if p.placeholder is not None]
        if missing:
            raise CommandError(f"--data does not fill the template {name} of {declared.key}: " + "; ".join(missing))
        for problem in problems:
            console.note(problem.message)
    return message


def _raw_message(path: Path, from_address: str, to: Sequence[str], console: Console) -> RawMessage:
    try:
        mime = path.read_bytes()
    except OSError as error:
        raise CommandError(f"--raw: cannot read {path}: {error.strerror}") from None
    try:
        checked = check_raw_message(mime, bare(from_address), [bare(r) for r in to])
    except RawMessageError as error:
        raise CommandError(f"--raw {path}: {error}") from None
    for note in checked.notes:
        console.note(note)
    return RawMessage(mime)


def _data_text(value: str) -> str:
    if not value.startswith("@"):
        return value
    try:
        return Path(value[1:]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"--data: cannot read {value[1:]}: {getattr(error, 'strerror', None) or error}") from None


def _simple_message(
    subject: str, stack: str, region: str, args: argparse.Namespace, sent_at: datetime
) -> SimpleMessage:
    configuration_set = args.configuration_set or "none given (the From identity's default set applies, if any)"
    facts = [
        ("stack", stack),
        ("region", region),
        ("configuration set", configuration_set),
        ("from", args.from_address),
        ("to", ", ".join(args.to)),
        ("sent at", sent_at.isoformat().replace("+00:00", "Z")),
    ]
    width = max(len(name) for name, _ in facts) + 2
    text = (
        "A test message from `ses-domains send-test`.\n\n"
        + "".join(f"{name + ':':<{width}}{value}\n" for name, value in facts)
        + "\nIf it reached you, SES sends for this stack.\n"
    )
    rows = "".join(
        f"<tr><th align=\"left\">{html.escape(name)}</th><td>{html.escape(value)}</td></tr>" for name, value in facts
    )
    page = (
        "<!DOCTYPE html><html><body>"
        "<p>A test message from <code>ses-domains send-test</code>.</p>"
        f"<table>{rows}</table>"
        "<p>If it reached you, SES sends for this stack.</p>"
        "</body></html>"
    )
    return SimpleMessage(subject, text, page)


def _read_account(client: object, timeout_s: float) -> AccountStatus:
    deadline = time.monotonic() + timeout_s
    try:
        return call_within(lambda: retry_throttling(lambda _left: read_account(client), what="GetAccount",
                                                    deadline=deadline), timeout_s, "GetAccount")
    except DeadlinePassed:
        endpoint = getattr(getattr(client, "meta", None), "endpoint_url", "SES")
        raise CommandError(
            f"SES at {endpoint} did not answer GetAccount within {timeout_s:g}s; nothing was sent"
        ) from None
    except (SesAccountUnavailable, SesThrottled) as error:
        raise CommandError(f"{error}; nothing was sent") from None


def _refuse_sandbox_recipients(
    loaded: LoadedStack, account: AccountStatus, recipients: Sequence[str], timeout_s: float
) -> None:
    """``CommandError`` naming each recipient SES would refuse in the sandbox, and what to do."""
    names = identities_to_ask(recipients)
    try:
        reader = SesReader.from_settings(loaded.aws_settings)
    except AwsSettingsError as error:
        raise CommandError(str(error)) from None
    readings = read_identities_with(reader, names, timeout_s, deadline_s=timeout_s)
    known = {name: r.status for name, r in readings.items() if r.status is not None or r.not_created}
    unknown = {name: r.problem for name, r in readings.items() if name not in known}
    refused = refused_recipients(account, recipients, known)
    undecided = [
        f"  - {r.address}: {unknown[name]}"
        for r in refused for name in covering_identities(r.address) if name in unknown
    ]
    if undecided:
        raise CommandError(
            f"the SES account is in the sandbox in {account.region}, and SES could not say whether every recipient "
            "is a verified identity; nothing was sent:\n" + "\n".join(undecided)
        )
    if refused:
        raise CommandError(_sandbox_refusal(loaded, account, refused))


def _sandbox_refusal(loaded: LoadedStack, account: AccountStatus, refused: Sequence[RefusedRecipient]) -> str:
    region = account.region
    count = f"{len(refused)} recipient{'s' if len(refused) > 1 else ''} {'are' if len(refused) > 1 else 'is'}"
    example = refused[0].address
    lines = [
        f"not sent: the SES account is in the sandbox in {region}, where SES delivers only to verified identities "
        f"and to its mailbox simulator, and {count} not covered (SendEmail was not called):",
        *(f"  - {r.address}: {r.reason}" for r in refused),
        "to send to them, either:",
        f"  - verify each address: add it to the ses-domains:emailIdentities list in {loaded.path.name}, run "
        "`pulumi up`, and have its owner click the link in the mail from Amazon Web Services (with the AWS CLI: "
        f"`aws sesv2 create-email-identity --email-identity {example} --region {region}`);",
        "  - or leave the sandbox: request production access in the SES console (Account dashboard, Request "
        "production access) or with `aws sesv2 put-account-details --production-access-enabled --mail-type "
        f"TRANSACTIONAL --website-url https://your.site --region {region}`; AWS reviews the request;",
        f"  - or test without a mailbox: --to success@{SIMULATOR_DOMAIN}",
    ]
    return "\n".join(lines)


def _quota(account: AccountStatus) -> str:
    quota = account.quota
    return f"{quota.sent_last_24_hours:g} of {quota.max_24_hour_send:g} messages sent in the last 24 hours"


def _kind(message: Message) -> str:
    if isinstance(message, RawMessage):
        return f"raw MIME ({len(message.mime)} bytes)"
    if isinstance(message, TemplateMessage):
        return f"template {message.template}"
    return f"message {message.subject!r}"
