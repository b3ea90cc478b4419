"""``ses-domains:route53Writes``: how the stack writes its Route 53 record sets.

- ``per-record`` (the default): one ``aws.route53.Record`` per record set, as every stack always had.
- ``batched``: one resource per hosted zone writing all of the stack's record sets in that zone in
  transactional change batches (a few ``ChangeResourceRecordSets`` per zone instead of one per
  record set and its ``GetChange`` polls), paced at Route 53's rate.
- ``per-record-retained``: the first step of switching an existing stack to ``batched``: the
  per-record resources as before, marked ``retain_on_delete``, so that when ``batched`` drops them
  they leave the stack's state without a DNS delete while the zone's resource takes the identical
  record sets over.
- ``batched-retained``: the first step of switching back: the zones' resources as before, marked
  ``retain_on_delete``, so that when ``per-record`` drops them they leave the state without a DNS
  delete while the per-record resources take the identical record sets over (``allow_overwrite``).
"""

from __future__ import annotations

from typing import Any

from ses_domains.config.errors import Problems

PER_RECORD, PER_RECORD_RETAINED, BATCHED = "per-record", "per-record-retained", "batched"
BATCHED_RETAINED = "batched-retained"
MODES = (PER_RECORD, PER_RECORD_RETAINED, BATCHED, BATCHED_RETAINED)
BATCHED_MODES = (BATCHED, BATCHED_RETAINED)
"""The modes in which a zone's resource writes the record sets."""


def read_route53_writes(raw: Any, key: str, problems: Problems) -> str:
    if raw is None or raw == "":
        return PER_RECORD
    if raw in MODES:
        return raw
    problems.add(key, f"must be one of {', '.join(MODES)}, got {raw!r} (per-record is the default; an existing stack "
                      f"switches to batched through one pulumi up with {PER_RECORD_RETAINED} first, and back through one with "
                      f"{BATCHED_RETAINED} first)")
    return PER_RECORD
