"""The real program under Pulumi mocks: ``ses-domains:account``, the account's VDM and
suppression-list settings, the owner warning, and every bad input refused before anything is declared."""

from __future__ import annotations

import pulumi
import pytest

from tests.aws_rules import check_resources
from tests.pulumi_program import refused_at_preview, run_program

A = "ses-domains:account"
COMPONENT = "ses-domains:index:AccountSettings"
VDM = "aws:sesv2/accountVdmAttributes:AccountVdmAttributes"
SUPPRESSION = "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"


def config(account=None, **more):
    return {
        "aws:region": "eu-west-1",
        "ses-domains:domains": [{"domain": "example.com"}],
        **({A: account} if account is not None else {}),
        **more,
    }


def warnings(run) -> list[str]:
    return [r.getMessage() for r in run.logs if r.levelname == "WARNING"]


def owner_warnings(run) -> list[str]:
    return [w for w in warnings(run) if w.startswith(f"{A}: sets SES settings of the whole AWS account")]


FULL = {"owner": True, "suppressedReasons": ["COMPLAINT"],
        "vdm": {"enabled": True, "engagementMetrics": True, "optimizedSharedDelivery": False}}


# --- what is declared ----------------------------------------------------------------------------


def test_the_account_block_declares_vdm_and_suppression_with_ses_feature_statuses():
    run = run_program(config(FULL))

    assert [(r.name, r.inputs) for r in run.of_type(VDM)] == [("account-vdm", {
        "vdmEnabled": "ENABLED",
        "dashboardAttributes": {"engagementMetrics": "ENABLED"},
        "guardianAttributes": {"optimizedSharedDelivery": "DISABLED"},
    })]
    assert [(r.name, r.inputs) for r in run.of_type(SUPPRESSION)] == [
        ("account-suppression", {"suppressedReasons": ["COMPLAINT"]})
    ]
    # Both hang under the AccountSettings component (parent=self), which is declared once.
    assert [r.name for r in run.of_type(COMPONENT)] == ["account"]
    children = [urn for urn in run.urns if f"{COMPONENT}$" in urn]
    assert sorted(urn.rsplit("::", 1)[1] for urn in children) == ["account-suppression", "account-vdm"]
    assert run.outputs["account"] == {
        "region": "eu-west-1",
        "vdm": {"vdmEnabled": "ENABLED", "engagementMetrics": "ENABLED", "optimizedSharedDelivery": "DISABLED"},
        "suppressedReasons": ["COMPLAINT"],
    }


def test_the_requests_follow_the_provider_and_aws_accepts_them():
    run = run_program(config(FULL))

    report = check_resources(r for r in run.mocks.resources if r.type in (VDM, SUPPRESSION))
    # The two are registered concurrently: their order among the declared resources may vary.
    assert sorted((r.operation, r.params) for r in report.requests) == [
        ("PutAccountSuppressionAttributes", {"SuppressedReasons": ["COMPLAINT"]}),
        ("PutAccountVdmAttributes", {"VdmAttributes": {
            "VdmEnabled": "ENABLED",
            "DashboardAttributes": {"EngagementMetrics": "ENABLED"},
            "GuardianAttributes": {"OptimizedSharedDelivery": "DISABLED"},
        }}),
    ]
    assert not report.violations, report.describe()


def test_an_empty_reason_list_turns_account_suppression_off_with_an_explicit_empty_list():
    run = run_program(config({"owner": True, "suppressedReasons": []}))

    assert [r.inputs for r in run.of_type(SUPPRESSION)] == [{"suppressedReasons": []}]
    assert run.of_type(VDM) == []
    report = check_resources(run.of_type(SUPPRESSION))
    assert [r.params for r in report.requests] == [{"SuppressedReasons": []}]
    assert not report.violations, report.describe()
    assert run.outputs["account"] == {"region": "eu-west-1", "suppressedReasons": []}


def test_both_reasons():
    run = run_program(config({"owner": True, "suppressedReasons": ["BOUNCE", "COMPLAINT"]}))

    assert [r.inputs for r in run.of_type(SUPPRESSION)] == [{"suppressedReasons": ["BOUNCE", "COMPLAINT"]}]


def test_vdm_features_left_out_are_not_sent():
    run = run_program(config({"owner": True, "vdm": {"engagementMetrics": False}}))

    # enabled defaults to true; optimizedSharedDelivery is left to SES.
    assert [r.inputs for r in run.of_type(VDM)] == [
        {"vdmEnabled": "ENABLED", "dashboardAttributes": {"engagementMetrics": "DISABLED"}}
    ]
    assert run.of_type(SUPPRESSION) == []
    assert run.outputs["account"] == {"region": "eu-west-1",
                                      "vdm": {"vdmEnabled": "ENABLED", "engagementMetrics": "DISABLED"}}


def test_vdm_turned_off_sends_only_the_off_status():
    run = run_program(config({"owner": True, "vdm": {"enabled": False}}))

    assert [r.inputs for r in run.of_type(VDM)] == [{"vdmEnabled": "DISABLED"}]


def test_a_configuration_set_with_vdm_options_is_warned_about_when_the_account_turns_vdm_off():
    run = run_program(config(
        {"owner": True, "vdm": {"enabled": False}},
        **{"ses-domains:configurationSets": [{"name": "marketing", "vdm": {"engagementMetrics": True}},
                                             {"name": "plain"}]},
    ))

    assert [w for w in warnings(run) if "VDM is off" in w] == [
        "ses-domains:configurationSets[0].vdm: has no effect while VDM is off for the account "
        f"({A}.vdm.enabled is false)"
    ]
    # A set's own suppression reasons override the account's: no warning for them.
    assert len(run.of_type(CONFIGURATION_SET)) == 2


def test_without_the_account_block_nothing_is_declared_for_the_account():
    run = run_program(config())

    assert run.of_type(VDM) == [] and run.of_type(SUPPRESSION) == [] and run.of_type(COMPONENT) == []
    assert "account" not in run.outputs
    assert run.of_type("aws:sesv2/emailIdentity:EmailIdentity"), "the program declared nothing at all"
    assert owner_warnings(run) == []


# --- the owner mark ------------------------------------------------------------------------------


def test_a_stack_that_sets_the_account_without_being_its_owner_is_warned_with_what_to_do():
    run = run_program(config({"suppressedReasons": ["BOUNCE"]}))

    assert owner_warnings(run) == [
        f"{A}: sets SES settings of the whole AWS account in eu-west-1 (VDM, the account-level suppression "
        "list), which exist once per account and region: two stacks that set them undo each other on every "
        "update, and destroying one that sets vdm turns VDM off. If this stack is the one that owns them, say so: "
        f"pulumi config set --path '{A}.owner' true; otherwise remove {A} from this stack"
    ]
    # A warning, not a refusal: the settings are still declared.
    assert [r.inputs for r in run.of_type(SUPPRESSION)] == [{"suppressedReasons": ["BOUNCE"]}]


def test_owner_false_is_warned_too():
    run = run_program(config({"owner": False, "vdm": {"enabled": True}}))

    assert len(owner_warnings(run)) == 1


def test_the_owner_is_not_warned():
    run = run_program(config(FULL))

    assert owner_warnings(run) == []
    assert [w for w in warnings(run) if A in w] == []


def test_a_stack_name_does_not_make_an_owner():
    """Only the explicit mark counts: a stack named like an account stack is warned all the same."""
    run = run_program(config({"suppressedReasons": ["BOUNCE"]}), stack="account")

    assert pulumi.get_stack() == "account"
    assert len(owner_warnings(run)) == 1


# --- bad input -----------------------------------------------------------------------------------


REFUSED = {
    "not a mapping": (["vdm"], f"{A}: must be a mapping of keys (vdm, suppressedReasons, owner), got ['vdm']"),
    "a typo": ({"owner": True, "suppressedReason": ["BOUNCE"]},
               f"{A}.suppressedReason: unknown key; did you mean 'suppressedReasons'? "
               "(known keys: vdm, suppressedReasons, owner)"),
    "nothing to set": ({"owner": True}, f"{A}: sets no account setting: give vdm, suppressedReasons or both"),
    "an empty block": ({}, f"{A}: sets no account setting: give vdm, suppressedReasons or both"),
    "owner not a boolean": ({"owner": "yes", "suppressedReasons": []}, f"{A}.owner: must be true or false, got 'yes'"),
    "an unknown reason": ({"owner": True, "suppressedReasons": ["BOUNCE", "SPAM"]},
                          f"{A}.suppressedReasons[1]: must be one of BOUNCE, COMPLAINT, got 'SPAM'"),
    "a reason twice": ({"owner": True, "suppressedReasons": ["BOUNCE", "BOUNCE"]},
                       f"{A}.suppressedReasons[1]: BOUNCE is listed twice"),
    "reasons not a list": ({"owner": True, "suppressedReasons": "BOUNCE"},
                           f"{A}.suppressedReasons: must be a list of BOUNCE, COMPLAINT ([] turns suppression off), "
                           "got 'BOUNCE'"),
    "an empty vdm": ({"owner": True, "vdm": {}},
                     f"{A}.vdm: must set at least one of enabled, engagementMetrics, optimizedSharedDelivery "
                     "(true or false), or be left out"),
    "vdm not a mapping": ({"owner": True, "vdm": True},
                          f"{A}.vdm: must be a mapping of keys (enabled, engagementMetrics, optimizedSharedDelivery), "
                          "got True"),
    "a vdm typo": ({"owner": True, "vdm": {"engagement": True}},
                   f"{A}.vdm.engagement: unknown key; did you mean 'engagementMetrics'?"),
    "a feature as SES writes it": ({"owner": True, "vdm": {"engagementMetrics": "ENABLED"}},
                                   f"{A}.vdm.engagementMetrics: must be true or false, got 'ENABLED'"),
    "enabled not a boolean": ({"owner": True, "vdm": {"enabled": "on"}},
                              f"{A}.vdm.enabled: must be true or false, got 'on'"),
    "a feature while vdm is off": ({"owner": True, "vdm": {"enabled": False, "optimizedSharedDelivery": False}},
                                   f"{A}.vdm.optimizedSharedDelivery: VDM is off for the account (enabled: false): "
                                   "leave this key out, or set enabled true"),
}


def run_failing(cfg) -> str:
    message = refused_at_preview(cfg)
    assert message.startswith("the stack config has"), message
    return message


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_account_settings_are_refused_at_preview_under_their_key(case):
    account, expected = REFUSED[case]
    assert expected in run_failing(config(account))


def test_a_misspelt_account_key_is_named():
    message = run_failing({**config(), "ses-domains:acount": {"owner": True, "suppressedReasons": []}})

    assert "ses-domains:acount: unknown key; did you mean 'account'?" in message


def test_every_account_problem_is_listed_at_once():
    message = run_failing(config({"owner": 1, "suppressedReasons": ["SPAM"], "vdm": {"enabled": False,
                                                                                    "engagementMetrics": True}}))

    assert message.startswith("the stack config has 3 problems"), message
    for key in (f"{A}.owner", f"{A}.suppressedReasons[0]", f"{A}.vdm.engagementMetrics"):
        assert f"  - {key}: " in message


def test_a_stack_that_only_owns_the_account_settings_needs_no_domain():
    run = run_program({"aws:region": "eu-west-1",
                       "ses-domains:account": {"owner": True, "suppressedReasons": ["BOUNCE", "COMPLAINT"]}})

    assert [r.type for r in run.mocks.resources if r.type.startswith("aws:")] == [
        "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes"]
    assert run.outputs["domains"] == {}
