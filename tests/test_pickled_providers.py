"""Every dynamic provider a deployed stack holds keeps loading: Pulumi stores the provider in each
resource's state as a dill pickle *by reference* (module path and class name), and imports that
path for every refresh, update and destroy. The paths are those the golden graphs recorded
(tests/fixtures/graphs) and the first version's (``components.domain_verification``). A class
that moves must leave a module at its old path that re-exports it."""

from __future__ import annotations

import base64
import importlib

import dill
import pytest
from pulumi.dynamic import ResourceProvider

from tests.resource_graph import STACKS, load

LEGACY_PATHS = ("components.domain_verification.VerificationProvider",)


def recorded_pickles() -> dict[str, str]:
    """Each provider class path a recorded resource's pickle names -> one such pickle."""
    found = {}
    for stack in STACKS:
        for resource in load(stack)["resources"].values():
            provider = resource["inputs"].get("__provider")
            if isinstance(provider, dict):
                for path in provider["imports"]:
                    found.setdefault(path, provider["<pickle>"])
    return found


def test_the_recordings_hold_every_kind_of_dynamic_provider():
    assert set(recorded_pickles()) == {
        "ses_domains.deploy.verification.VerificationProvider",
        "ses_domains.deploy.set_options.SuppressionOffProvider",
        "ses_domains.deploy.set_options.TrackingOptionsProvider",
        "ses_domains.deploy.apex_spf.ApexSpfProvider",
        "ses_domains.deploy.dkim_key_published.DkimKeyPublishedProvider",
        "ses_domains.deploy.dkim_signing_origin.DkimSigningOriginProvider",
    }


@pytest.mark.parametrize("path", sorted(recorded_pickles()) + list(LEGACY_PATHS))
def test_each_stored_provider_path_still_imports_a_provider(path):
    module, name = path.rsplit(".", 1)
    provider_class = getattr(importlib.import_module(module), name)

    assert isinstance(provider_class, type) and issubclass(provider_class, ResourceProvider)


@pytest.mark.parametrize("path", sorted(recorded_pickles()))
def test_each_recorded_pickle_loads_as_pulumi_loads_it(path):
    module, name = path.rsplit(".", 1)

    provider = dill.loads(base64.b64decode(recorded_pickles()[path]))

    assert isinstance(provider, getattr(importlib.import_module(module), name))
