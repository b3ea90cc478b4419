"""A raw MIME message checked against the envelope it is sent with (pure).

``--from`` and ``--to`` are the envelope: SES checks the From address against its identities and
delivers to the ``--to`` addresses, whatever the headers say. The message's own From header must
name the same address (SES checks that one too, and a reader would otherwise see another sender
than the one the sandbox check looked at); recipients in To/Cc that are not in the envelope are only
noted, since a test may well show one thing and deliver to another.
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
from dataclasses import dataclass
from typing import Sequence

from ses_domains.engine.ses.errors import SesError

RAW_MESSAGE_MAX_BYTES = 40 * 1024 * 1024
"""SESv2's largest message, attachments and encoding included."""


class RawMessageError(SesError):
    """The file is no message SES can send as given; the text says what is wrong."""


@dataclass(frozen=True)
class RawMessageCheck:
    header_from: str
    header_recipients: tuple[str, ...]
    """The addresses of the To and Cc headers."""
    parts: int
    notes: tuple[str, ...]
    """What is odd but sent anyway."""


def check_raw_message(mime: bytes, from_address: str, to: Sequence[str]) -> RawMessageCheck:
    """Parse ``mime`` with Python's ``email`` package; ``RawMessageError`` when it is empty, too
    large, malformed, has no single From address, or its From is not ``from_address``."""
    if not mime.strip():
        raise RawMessageError("the message is empty")
    if len(mime) > RAW_MESSAGE_MAX_BYTES:
        raise RawMessageError(f"the message is {len(mime)} bytes: SES sends at most {RAW_MESSAGE_MAX_BYTES}")
    try:
        message = email.parser.BytesParser(policy=email.policy.default).parsebytes(mime)
        parts = list(message.walk())
        defects = [defect for part in parts for defect in part.defects]
        senders = _addresses(message, "From")
        recipients = _addresses(message, "To") + _addresses(message, "Cc")
    except RawMessageError:
        raise
    except Exception as error:  # noqa: BLE001 - the email package raises many kinds on bad input
        raise RawMessageError(f"the message cannot be parsed as MIME: {error}") from None
    if defects:
        names = sorted({type(defect).__name__ for defect in defects})
        raise RawMessageError(f"the message is not well-formed MIME: {', '.join(names)}")
    if len(senders) != 1:
        found = ", ".join(senders) if senders else "none"
        raise RawMessageError(f"the message must have one From address (found: {found})")
    if not same_address(senders[0], from_address):
        raise RawMessageError(
            f"its From header is {senders[0]} but --from is {from_address}: SES checks both, and the sandbox check "
            "uses --from; make them the same"
        )
    wanted = {address.lower() for address in to}
    shown = {address.lower() for address in recipients}
    notes = [f"{address} is in the message's To/Cc but not in --to: SES will not deliver to it"
             for address in recipients if address.lower() not in wanted]
    notes += [f"{address} is not in the message's To/Cc: it gets the message as a blind copy"
              for address in to if address.lower() not in shown]
    return RawMessageCheck(senders[0], tuple(recipients), len(parts), tuple(notes))


def same_address(left: str, right: str) -> bool:
    """Addresses compare with the domain case-insensitive (local parts are left as written)."""
    left_local, _, left_domain = left.rpartition("@")
    right_local, _, right_domain = right.rpartition("@")
    return left_local == right_local and left_domain.lower() == right_domain.lower()


def _addresses(message: email.message.EmailMessage, name: str) -> list[str]:
    found: list[str] = []
    for header in message.get_all(name) or []:
        if header.defects:
            why = "; ".join(str(defect) for defect in header.defects)
            raise RawMessageError(f"its {name} header cannot be read as addresses: {why}")
        found += [address.addr_spec for address in header.addresses]
    return found
