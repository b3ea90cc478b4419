"""What a wait is still waiting for, in words: each record not yet confirmed, on which nameserver,
with what that server last said; a server that answers nothing at all is named once, as silent,
rather than beside every record."""

from __future__ import annotations

from typing import Sequence

from ses_domains.engine.dns.judge import PairState
from ses_domains.engine.dns.wait import PairStatus

STATE_WORDS = {
    PairState.UNCHECKED: "no answer yet",
    PairState.TIMEOUT: "silent",
    PairState.NETWORK_ERROR: "unreachable",
}
NO_ANSWER = frozenset(STATE_WORDS)


def state_word(state: PairState) -> str:
    return STATE_WORDS.get(state, state.value)


def awaited(pairs: Sequence[PairStatus]) -> tuple[str, tuple[str, ...]]:
    """``("waiting for 3 records (ns3 silent)", ("_dmarc.example.com TXT on ns2 (missing)", ...))``:
    one item per record, naming each server that lacks it, servers with the same answer together."""
    states: dict[str, set[PairState]] = {}
    for pair in pairs:
        states.setdefault(pair.nameserver, set()).add(pair.state)
    quiet = {server: found.pop() for server, found in states.items() if len(found) == 1 and found <= NO_ANSWER}
    records: dict[tuple[str, str], dict[str, list[str]]] = {}
    for pair in pairs:
        words = records.setdefault((pair.record.name, pair.record.type), {})
        if pair.nameserver not in quiet:
            words.setdefault(state_word(pair.state), []).append(pair.nameserver)
    items = []
    for (name, rdtype), words in records.items():
        if words:
            where = " and ".join(f"{' and '.join(servers)} ({word})" for word, servers in words.items())
            items.append(f"{name} {rdtype} on {where}")
    count = len(records)
    head = f"waiting for {count} record{'' if count == 1 else 's'}"
    if quiet:
        head += " (" + ", ".join(f"{server} {state_word(state)}" for server, state in quiet.items()) + ")"
    return head, tuple(items)
