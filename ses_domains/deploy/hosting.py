"""Whether the components run inside this package's provider, for a program in another language.

A Python dynamic resource (``pulumi.dynamic``: the verification step, the apex SPF merge, the
BYODKIM publication wait) is run by the engine's ``pulumi-python`` dynamic provider, which loads
the pickled provider into the *program's* Python. When a TypeScript, Go, C#, Java or YAML program
uses the components through the package (``pulumi package add``), there is no such program-side
Python holding ``ses_domains``, and Pulumi does not support dynamic providers inside a component
provider (pulumi/pulumi#5455; pulumi/pulumi#8557 removed them from Pulumi's own multi-language
component tests for that reason). A component that needs one must therefore refuse, naming the
argument that asks for it, rather than declare something that fails at ``pulumi up``.
"""

from typing import Any, Mapping

from ses_domains.config.errors import ArgumentError, Problem

_hosted = False


def mark_hosted() -> None:
    """Called once by ``ses_domains.provider`` before it serves the components."""
    global _hosted
    _hosted = True


def is_hosted() -> bool:
    return _hosted


def hosted_problem(argument: str, what: str, instead: str) -> Problem:
    """``what`` needs a Python dynamic resource; ``instead`` says what a program in another language can do."""
    return Problem(argument, (
        f"{what} runs as a Python dynamic resource, which only a Python program can run (Pulumi runs no "
        f"dynamic provider inside a component package used from another language): {instead}; or write "
        "the program in Python"
    ))


def refuse_when_hosted(component: str, argument: str, what: str, instead: str) -> None:
    """Raise an :class:`ArgumentError` of ``component`` under ``argument`` when hosted."""
    if _hosted:
        raise ArgumentError(component, [hosted_problem(argument, what, instead)])


def python_only_problems(component: str, inputs: Mapping[str, Any]) -> list[Problem]:
    """What a program in another language asks of ``component`` (its inputs by schema name, as the
    engine sends them) that needs a Python dynamic resource: the provider refuses it before the
    component is constructed. ``SendingDomain`` waits for its verification unless told not to
    (``verify.enabled`` false, known when the program runs), merges the apex SPF with ``apexSpf``
    and waits for a BYODKIM key's publication with ``dkim.privateKey``; an ``EmailAddress`` is
    waited for (``wait``) only by the verification step."""
    if component == "EmailAddress" and inputs.get("wait") is not None and inputs.get("wait") is not False:
        return [hosted_problem("wait", "waiting for the owner's click on SES's link (the verification step)",
                               "leave wait out (SES mails the link all the same)")]
    if component != "SendingDomain":
        return []
    problems = []
    verify = inputs.get("verify")
    enabled = verify.get("enabled") if isinstance(verify, Mapping) else None
    if enabled is not False:
        problems.append(hosted_problem(
            "verify", "waiting for the domain's verification (the default)",
            "set verify: {enabled: false}; SES then verifies the domain on its own after `pulumi up` "
            "(`aws sesv2 get-email-identity` shows when)",
        ))
    elif isinstance(verify, Mapping) and verify.get("shared"):
        problems.append(hosted_problem(
            "verify.shared", "the shared DomainVerification", "leave verify.shared out",
        ))
    if inputs.get("apexSpf") is not None:
        problems.append(hosted_problem(
            "apexSpf", "merging SES into the domain's own SPF record", "leave apexSpf out and add "
            "include:amazonses.com to that record yourself",
        ))
    dkim = inputs.get("dkim")
    if isinstance(dkim, Mapping) and dkim.get("privateKey") is not None:
        problems.append(hosted_problem(
            "dkim.privateKey", "BYODKIM's wait until the new key's record is published",
            "use Easy DKIM (leave out dkim.selector and dkim.privateKey)",
        ))
    return problems
