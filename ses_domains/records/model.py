"""The plain-data shape of a DNS record that the stack manages and the verifier checks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DnsRecord:
    """One record set as a user would read it in a zone file, without quoting.

    - ``name``: fully qualified, lower case, no trailing dot (``_dmarc.example.com``).
    - ``type``: ``CNAME``, ``TXT`` or ``MX``.
    - ``values``: presentation values without trailing dots: a CNAME target
      (``tok.dkim.amazonses.com``), a whole TXT value as one unquoted string however long
      (``v=spf1 include:amazonses.com ~all``), an MX as ``"<preference> <host>"``.
    - ``ttl``: seconds.
    """

    name: str
    type: str
    values: tuple[str, ...]
    ttl: int
