"""The real program under Pulumi mocks: dedicated IP pools, and the configuration sets that send through them."""

from __future__ import annotations

import pytest

from tests.aws_rules import check_resources
from tests.pulumi_program import Declared, RecordingMocks, refused_at_preview, run_program

POOL = "aws:sesv2/dedicatedIpPool:DedicatedIpPool"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
P = "ses-domains:dedicatedIpPools"
C = "ses-domains:configurationSets"
ACCOUNT = "123456789012"


class PoolMocks(RecordingMocks):
    def extra_state(self, args):
        if args.typ == POOL:
            return {"arn": f"arn:aws:ses:eu-west-1:{ACCOUNT}:dedicated-ip-pool/{args.inputs['poolName']}"}
        return {}


def run_pools(pools, configuration_sets=None):
    config = {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}], P: pools}
    if configuration_sets is not None:
        config[C] = configuration_sets
    return run_program(config, mocks=PoolMocks())


def urn_of(run, type_token: str, name: str) -> str:
    return next(urn for urn in run.urns if urn.endswith(f"{type_token}::{name}"))


def warnings(run) -> list[str]:
    return [r.getMessage() for r in run.logs if r.levelname == "WARNING"]


def test_each_pool_is_declared_with_its_scaling_mode_standard_by_default_and_exported():
    run = run_pools([{"name": "transactional"}, {"name": "bulk_2026", "scalingMode": "MANAGED"}])

    # Pulumi registers resources concurrently: the order of declaration is not the order recorded.
    assert sorted((r.name, tuple(sorted(r.inputs.items()))) for r in run.of_type(POOL)) == [
        ("dedicated-ip-pool-bulk_2026", (("poolName", "bulk_2026"), ("scalingMode", "MANAGED"))),
        ("dedicated-ip-pool-transactional", (("poolName", "transactional"), ("scalingMode", "STANDARD"))),
    ]
    assert run.outputs["dedicatedIpPools"] == {
        "transactional": f"arn:aws:ses:eu-west-1:{ACCOUNT}:dedicated-ip-pool/transactional",
        "bulk_2026": f"arn:aws:ses:eu-west-1:{ACCOUNT}:dedicated-ip-pool/bulk_2026",
    }


def test_a_set_whose_sending_pool_is_declared_depends_on_that_pool():
    run = run_pools([{"name": "transactional"}, {"name": "bulk"}],
                    [{"name": "tx", "sendingPool": "transactional"}, {"name": "plain"}])

    tx = next(r for r in run.of_type(CONFIGURATION_SET) if r.name == "tx")
    assert tx.inputs["deliveryOptions"] == {"tlsPolicy": "OPTIONAL", "sendingPoolName": "transactional"}
    pool_urn = urn_of(run, POOL, "dedicated-ip-pool-transactional")
    assert run.typed_dependencies[(CONFIGURATION_SET, "tx")] == [pool_urn]
    assert run.typed_dependencies[(CONFIGURATION_SET, "plain")] == []
    # Declared first: the pool is registered before the set that sends through it.
    assert run.urns.index(pool_urn) < run.urns.index(urn_of(run, CONFIGURATION_SET, "tx"))


def test_a_set_naming_an_existing_pool_depends_on_no_pool():
    run = run_pools([{"name": "transactional"}], [{"name": "tx", "sendingPool": "legacy-pool"}])

    tx = next(r for r in run.of_type(CONFIGURATION_SET) if r.name == "tx")
    assert tx.inputs["deliveryOptions"]["sendingPoolName"] == "legacy-pool"
    assert run.typed_dependencies[(CONFIGURATION_SET, "tx")] == []
    assert not any("sendingPool" in w for w in warnings(run))


def test_a_sending_pool_close_to_a_declared_one_is_warned_about():
    run = run_pools([{"name": "transactional"}], [{"name": "tx", "sendingPool": "transactionl"}])

    assert f"{C}[0].sendingPool: transactionl is not declared in {P}, so it must already exist in the account; " \
           "did you mean transactional?" in warnings(run)


def test_the_create_requests_are_ones_ses_accepts():
    run = run_pools([{"name": "transactional"}, {"name": "bulk", "scalingMode": "MANAGED"}],
                    [{"name": "tx", "sendingPool": "transactional"}])

    report = check_resources(run.of_type(POOL) + run.of_type(CONFIGURATION_SET))
    assert not report.violations, report.describe()
    pools = [r.params for r in report.requests if r.operation == "CreateDedicatedIpPool"]
    assert sorted(pools, key=lambda params: params["PoolName"]) == [
        {"PoolName": "bulk", "ScalingMode": "MANAGED"},
        {"PoolName": "transactional", "ScalingMode": "STANDARD"},
    ]


def test_the_aws_layer_refuses_a_pool_name_with_capitals_and_a_set_sending_through_one():
    found = check_resources([
        Declared(POOL, "p", {"poolName": "Transactional"}, {}),
        Declared(CONFIGURATION_SET, "s", {"configurationSetName": "s", "deliveryOptions": {"sendingPoolName": "My_Pool"}}, {}),
    ]).violations

    assert [(v.operation, v.path) for v in found] == [
        ("CreateDedicatedIpPool", "PoolName"), ("CreateConfigurationSet", "DeliveryOptions.SendingPoolName")]


CASES = {
    "not a list": ({"name": "p"}, None, f"{P}: must be a list of dedicated IP pools"),
    "entry not a mapping": (["p"], None, f"{P}[0]: must be a mapping of keys (name, scalingMode)"),
    "missing name": ([{"scalingMode": "MANAGED"}], None, f"{P}[0].name: is required: the pool name"),
    "capitals": ([{"name": "Transactional"}], None,
                 f"{P}[0].name: 'Transactional' is not a valid dedicated IP pool name: SES allows lower-case letters, "
                 "digits, _ and -, at most 64 characters; did you mean transactional?"),
    "a dot": ([{"name": "my.pool"}], None, f"{P}[0].name: 'my.pool' is not a valid dedicated IP pool name"),
    "65 characters": ([{"name": "p" * 65}], None, "at most 64 characters"),
    "unknown scaling mode": ([{"name": "p", "scalingMode": "AUTO"}], None,
                             f"{P}[0].scalingMode: must be one of STANDARD, MANAGED, got 'AUTO'"),
    "typo in a key": ([{"name": "p", "scaling": "MANAGED"}], None, f"{P}[0].scaling: unknown key; did you mean 'scalingMode'?"),
    "pool twice": ([{"name": "p"}, {"name": "p", "scalingMode": "MANAGED"}], None,
                   f"{P}[1].name: the dedicated IP pool p is already declared at {P}[0]"),
    "sending pool in capitals": ([{"name": "transactional"}], [{"name": "tx", "sendingPool": "Transactional"}],
                                 f"{C}[0].sendingPool: Transactional cannot name an SES dedicated IP pool: pool names "
                                 f"are lower case; write transactional (a pool of {P})"),
    "existing pool in capitals": ([], [{"name": "tx", "sendingPool": "Legacy"}],
                                  f"{C}[0].sendingPool: Legacy cannot name an SES dedicated IP pool: pool names are "
                                  "lower case; write legacy (the pool's name)"),
}


@pytest.mark.parametrize("pools, sets, expected", CASES.values(), ids=CASES.keys())
def test_bad_pools_are_reported_with_their_key_before_anything_is_declared(pools, sets, expected):
    config = {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}], P: pools}
    if sets is not None:
        config[C] = sets
    assert expected in refused_at_preview(config)
