"""``python -m bench.route53`` counts what each mode sends to moto's Route 53 server."""

from __future__ import annotations

import json

from bench import route53


def test_the_benchmark_prints_the_calls_of_both_modes(capsys):
    assert route53.main(["--domains", "60"]) == 0

    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["domains"] == 60 and last["record_sets"] == 360
    assert last["per_record"]["change_calls"] == 360 and last["per_record"]["get_change_calls"] == 360
    assert last["per_record"]["wall_s_at_5rps"] == 144.0
    # 360 sets of about 50 characters each: one batch, one wait, one listing of the empty zone.
    assert (last["batched"]["change_calls"], last["batched"]["get_change_calls"], last["batched"]["list_calls"]) \
        == (1, 1, 1)
    assert last["batched"]["wall_s_at_5rps"] == 0.6
