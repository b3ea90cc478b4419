"""Which configuration sets of a stack send bulk mail, and so must meet the bulk-sender rules of
Gmail, Yahoo (2024) and Outlook.com (2025), TLS among them.

SES does not tie a configuration set to the kind of mail sent through it, so the stack says:

- The stack config key ``ses-domains-policy:bulkSending`` (in ``Pulumi.<stack>.yaml``, reviewed
  with the stack) decides when it is set: a list of configuration set names, ``true`` (every set
  of the stack) or ``false`` (none).
- Otherwise a stack that declares an SES contact list sends bulk mail: list management is what
  gives subscription mail the RFC 8058 one-click unsubscribe those providers require of bulk
  senders. Every configuration set of such a stack counts as bulk-sending.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

BULK_SENDING_KEY = "ses-domains-policy:bulkSending"


class BulkSendingError(Exception):
    """The marker is set to something that is neither a list of names nor true/false."""


@dataclass(frozen=True)
class BulkSending:
    everything: bool = False
    names: frozenset[str] = frozenset()
    given: bool = False
    """Whether the stack config says (else a contact list decides)."""

    def covers(self, name: str, *, stack_has_contact_list: bool) -> str | None:
        """Why the set ``name`` is bulk-sending, or None when it is not."""
        if self.given:
            if self.everything:
                return f"{BULK_SENDING_KEY} is true"
            return f"{BULK_SENDING_KEY} names it" if name in self.names else None
        if stack_has_contact_list:
            return f"the stack declares a contact list, so subscription mail, and {BULK_SENDING_KEY} is not set"
        return None


def bulk_sending(environ: Mapping[str, str]) -> BulkSending:
    """The marker as the engine hands the stack config to the pack (``PULUMI_CONFIG``, JSON whose
    values are strings; a structured value is JSON text)."""
    try:
        config = json.loads(environ.get("PULUMI_CONFIG") or "{}")
    except ValueError as error:
        raise BulkSendingError(f"PULUMI_CONFIG is not JSON: {error}") from None
    value = config.get(BULK_SENDING_KEY) if isinstance(config, dict) else None
    if value is None:
        return BulkSending()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = json.loads(text)
        except ValueError:
            value = [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(value, bool):
        return BulkSending(everything=value, given=True)
    if isinstance(value, list) and all(isinstance(item, str) and item for item in value):
        return BulkSending(names=frozenset(value), given=True)
    raise BulkSendingError(f"{BULK_SENDING_KEY} must be true, false or a list of configuration set names, "
                           f"not {value!r}")
