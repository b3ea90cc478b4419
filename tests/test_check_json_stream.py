"""``check -o json`` is written one domain at a time, and reads exactly as the whole document
dumped at once (``json.dumps(document, indent=2)``) did."""

from __future__ import annotations

import json

import pytest

from ses_domains.cli import render_check
from ses_domains.engine.audit import AuditVerdict

DOMAINS = [
    {"domain": "a.example", "zone": "example", "verdict": "ok", "nameservers": ["ns1:53", "ns2:53"],
     "ses": {"dkim": "SUCCESS", "tokens": ["t1", "t2"]}, "could_not_check": [],
     "records": [{"name": "x", "expected": ["v=spf1 -all"], "servers": [{"served": []}, {"served": ["a\nb"]}]}],
     "email_auth": None, "bulk_sender": {"requirements": [{"found": "é \"quoted\" \\ tab\t"}]}},
    {"domain": "b.example", "region": "us-east-1", "records": [], "email_auth": {"spf": [], "dmarc": {}}},
]


@pytest.mark.parametrize("count", [0, 1, 2])
@pytest.mark.parametrize("require", [False, True])
def test_the_streamed_document_is_the_one_dumped_at_once(monkeypatch, count, require):
    checks = DOMAINS[:count]
    monkeypatch.setattr(render_check, "_domain_json", lambda check: check)  # each "check" is its JSON
    streamed = "".join(render_check.check_json_parts("dev", "eu-west-1", checks, AuditVerdict.PROBLEMS,
                                                     require_bulk_sender=require))
    document = {"stack": "dev", "region": "eu-west-1", "verdict": "problems",
                "required": ["bulk-sender"] if require else [], "domains": checks}
    assert streamed == json.dumps(document, indent=2) + "\n"
    assert json.loads(streamed) == document


def test_each_domain_is_rendered_only_when_its_turn_comes(monkeypatch):
    rendered = []
    monkeypatch.setattr(render_check, "_domain_json", lambda check: rendered.append(check) or check)
    parts = render_check.check_json_parts("dev", "eu-west-1", DOMAINS, AuditVerdict.OK)
    while not rendered:
        next(parts)
    assert rendered == [DOMAINS[0]]
