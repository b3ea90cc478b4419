"""Who may receive mail from an account in the SES sandbox (pure).

Until an account has production access in a region, SES delivers only to verified identities and to
its mailbox simulator (SES Developer Guide, "Request production access"). A recipient address is
covered by a verified identity when the address itself is one, or its domain, or a parent domain:
a verified ``example.com`` covers ``you@example.com`` and ``you@mail.example.com`` (SES Developer
Guide, "Creating and verifying identities"). ``identities_to_ask`` names what to read with
``GetEmailIdentity``; ``refused_recipients`` decides from the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from ses_domains.engine.ses.account import AccountStatus
from ses_domains.engine.ses.status import IdentityStatus

SIMULATOR_DOMAIN = "simulator.amazonses.com"
"""The mailbox simulator's addresses (``success@``, ``bounce@``...) take mail in the sandbox too."""


@dataclass(frozen=True)
class RefusedRecipient:
    address: str
    reason: str


def address_domain(address: str) -> str:
    return address.rpartition("@")[2].rstrip(".").lower()


def covering_identities(address: str) -> tuple[str, ...]:
    """The identities that would let ``address`` receive mail in the sandbox, narrowest first: the
    address, its domain, then each parent domain down to two labels."""
    local = address.rpartition("@")[0]
    domain = address_domain(address)
    labels = domain.split(".")
    domains = [".".join(labels[i:]) for i in range(max(1, len(labels) - 1))]
    return (f"{local}@{domain}", *domains)


def is_simulator(address: str) -> bool:
    return address_domain(address) == SIMULATOR_DOMAIN


def identities_to_ask(recipients: Sequence[str]) -> tuple[str, ...]:
    """Every identity name whose state decides a recipient, each once (none for the simulator)."""
    names: dict[str, None] = {}
    for address in recipients:
        if not is_simulator(address):
            names.update(dict.fromkeys(covering_identities(address)))
    return tuple(names)


def is_verified(status: IdentityStatus) -> bool:
    return status.verified_for_sending or status.verification_status == "SUCCESS"


def refused_recipients(
    account: AccountStatus,
    recipients: Sequence[str],
    identities: Mapping[str, Optional[IdentityStatus]],
) -> tuple[RefusedRecipient, ...]:
    """The recipients SES would refuse, each with why. ``identities`` holds the state of every name
    of ``identities_to_ask(recipients)`` (``None``: SES has no such identity). Nobody is refused
    when the account has production access."""
    if not account.in_sandbox:
        return ()
    refused = []
    for address in recipients:
        if is_simulator(address):
            continue
        names = covering_identities(address)
        if any(identities.get(name) is not None and is_verified(identities[name]) for name in names):  # type: ignore[arg-type]
            continue
        existing = [(name, identities[name]) for name in names if identities.get(name) is not None]
        if not existing:
            reason = (
                f"no identity in {account.region} covers it (neither the address nor "
                f"{_either(names[1:])} is an SES identity there)"
            )
        else:
            reason = "; ".join(_not_yet(name, status) for name, status in existing)  # type: ignore[arg-type]
        refused.append(RefusedRecipient(address, reason))
    return tuple(refused)


def _not_yet(name: str, status: IdentityStatus) -> str:
    state = status.verification_status or "not verified"
    if status.identity_type == "EMAIL_ADDRESS" and state == "FAILED":
        return (
            f"the identity {name} failed verification (FAILED: its link was not clicked within 24 hours): "
            "delete the identity and create it again for a new link"
        )
    if status.identity_type == "EMAIL_ADDRESS":
        return (
            f"the identity {name} is not verified yet ({state}): its owner must click the link in the mail "
            "from Amazon Web Services within 24 hours of its creation"
        )
    dkim = f", DKIM {status.dkim_status}" if status.dkim_status else ""
    return f"the domain identity {name} is not verified yet ({state}{dkim}): see `ses-domains check`"


def _either(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]
