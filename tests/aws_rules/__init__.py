"""A test layer that speaks AWS's rules.

Pulumi's mocks accept any input. This layer turns every resource the program declared (as
``tests.pulumi_program`` records it) into the API request(s) terraform-provider-aws sends for it
on create (``requests``), and checks each request against botocore's service model and the
limits botocore does not carry (``validate``). One call per stack::

    from tests.aws_rules import check_stack
    report = check_stack(stack_config("prod"))
    assert not report.violations, report.describe()
"""

from tests.aws_rules.check import StackCheck, check_resources, check_stack, load_stack_file
from tests.aws_rules.requests import ApiRequest, requests_for
from tests.aws_rules.validate import Violation, validate_request

__all__ = [
    "ApiRequest",
    "StackCheck",
    "Violation",
    "check_resources",
    "check_stack",
    "load_stack_file",
    "requests_for",
    "validate_request",
]
