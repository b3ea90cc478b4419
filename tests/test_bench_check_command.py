"""``python -m bench.check_command``: the real ``ses-domains check`` of a stack against 4 Knot servers
20 ms away and the SES stand-in, at a small size so the demonstration cannot rot."""

from __future__ import annotations

import json

from bench import check_command
from tests.conftest import _require_knot


def test_the_command_checks_a_stack_and_every_record_and_verdict_is_ok(capsys):
    _require_knot()
    assert check_command.main(["--domains", "20"]) == 0

    out = capsys.readouterr().out
    last = json.loads(out.strip().splitlines()[-1])
    assert last["domains"] == 20 and last["exit_code"] == 0 and last["all_ok"] is True
    assert last["verdict"] == "ok" and last["domain_verdicts"] == {"ok": 20}
    assert last["record_verdicts"] == {"ok": 120} and last["email_auth_verdicts"] == {"ok": 20}
    assert last["ses_requests"] >= 20 and last["ses_rate_limit_per_s"] == check_command.SES_RATE_PER_S
    assert last["dns_queries"] >= 20 * 6 * 4  # every record asked on every server, through the forwarders
    assert last["peak_rss_mb"] > 0 and last["cpu_s"] > 0  # the child's own, not this process's
    assert "Every record and verdict ok: yes" in out


def _report(record_status="ok", email_auth_status="ok", verdict="ok", gaps=()) -> dict:
    domain = {"domain": "d00000.check.test", "verdict": verdict, "could_not_check": list(gaps),
              "records": [{"name": f"r{i}.d00000.check.test", "type": "TXT", "status": "ok", "detail": ""}
                          for i in range(5)]
              + [{"name": "_dmarc.d00000.check.test", "type": "TXT", "status": record_status, "detail": "why"}],
              "email_auth": {"status": email_auth_status}}
    return {"verdict": verdict, "domains": [domain]}


def test_only_exit_0_with_every_record_and_verdict_ok_passes():
    assert check_command.all_ok(1, 0, check_command.count_verdicts(_report()))
    assert not check_command.all_ok(1, 2, check_command.count_verdicts(_report()))
    assert not check_command.all_ok(1, None, check_command.count_verdicts(_report()))  # timed out
    assert not check_command.all_ok(2, 0, check_command.count_verdicts(_report()))  # a domain missing
    assert not check_command.all_ok(1, 0, check_command.count_verdicts(_report(record_status="could not check")))
    assert not check_command.all_ok(1, 0, check_command.count_verdicts(_report(email_auth_status="problem")))
    assert not check_command.all_ok(1, 0, check_command.count_verdicts(_report(verdict="could not check",
                                                                               gaps=["DKIM records not checked"])))
    assert not check_command.all_ok(1, 0, check_command.count_verdicts({}))  # no report at all
