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

from ses_domains.config.errors import ArgumentError, Problem

_hosted = False


def mark_hosted() -> None:
    """Called once by ``ses_domains.provider`` before it serves the components."""
    global _hosted
    _hosted = True


def is_hosted() -> bool:
    return _hosted


def refuse_when_hosted(component: str, argument: str, what: str, instead: str) -> None:
    """Raise an :class:`ArgumentError` of ``component`` under ``argument`` when hosted: ``what``
    needs a Python dynamic resource; ``instead`` says what a program in another language can do."""
    if _hosted:
        raise ArgumentError(component, [Problem(argument, (
            f"{what} runs as a Python dynamic resource, which only a Python program can run (Pulumi runs no "
            f"dynamic provider inside a component package used from another language): {instead}; or write "
            "the program in Python"
        ))])
