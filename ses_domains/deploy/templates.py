"""SES email templates: the public ``Template`` and ``Templates`` components, and the stack's
templates (``ses-domains:templates``), all declared with pulumi-aws ``aws.ses.Template``.

SES v1's templates are the ones SESv2 ``SendEmail`` sends with (``Content.Template.TemplateName``):
one store per account and region. The name is the only input the provider replaces on
(terraform-provider-aws ses/template.go: ``name`` ForceNew; subject and bodies change by
UpdateTemplate); a replacement keeps the name (``pulumi up --replace``), and SES refuses a second
template of the same name, so the old one is deleted first.
"""

from pathlib import Path
from typing import Any, Iterable, Optional

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired, TypedDict

from ses_domains.config.errors import ArgumentError, Problem, Problems
from ses_domains.config.templates import TEMPLATE_KEYS, TemplateSpec, read_templates
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments


class TemplateArgs(TypedDict):
    """One SES email template. Every ``{{placeholder}}`` of the subject and bodies needs a value in
    ``test_data``, and every key of ``test_data`` must be used, so that a template that cannot
    render is refused before SES sees it."""

    name: pulumi.Input[str]
    """The name messages are sent with (``welcome``): letters, digits, ``_`` and ``-``, at most 64."""
    subject: pulumi.Input[str]
    """The subject line (one line; placeholders allowed)."""
    text: NotRequired[pulumi.Input[str]]
    """The plain-text body. A template needs ``text``, ``html`` or both."""
    html: NotRequired[pulumi.Input[str]]
    """The HTML body."""
    test_data: NotRequired[dict[str, Any]]
    """A value for every placeholder (``{"name": "Ada"}``): checked against the template, and what
    ``ses-domains send-test --template`` sends by default."""


class Template(pulumi.ComponentResource):
    """One SES email template (``aws.ses.Template``), checked before it is declared."""

    arn: pulumi.Output[str]
    """The template's ARN."""
    template_name: pulumi.Output[str]
    """The template's name, as ``SendEmail`` takes it."""

    def __init__(self, name: str, args: TemplateArgs, opts: Optional[pulumi.ResourceOptions] = None):
        checked = CheckedArgs("Template", args, check_template_args)
        super().__init__("ses-domains:index:Template", name, None, opts)
        template = declare_template(name, _template_inputs(checked), pulumi.ResourceOptions(parent=self))
        self.arn = template.arn
        self.template_name = template.name
        self.register_outputs({"arn": self.arn, "templateName": self.template_name})


class TemplatesArgs(TypedDict):
    """The arguments of ``Templates``."""

    templates: list[TemplateArgs]
    """The templates, each name once."""


class Templates(pulumi.ComponentResource):
    """Several SES email templates at once (each an ``aws.ses.Template`` named ``<name>-<template>``),
    every name once."""

    arns: pulumi.Output[dict[str, str]]
    """Template name -> its ARN."""

    def __init__(self, name: str, args: TemplatesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        checked = CheckedArgs("Templates", args, check_templates_args)
        entries = checked.values.get("templates") or []
        unnamed = [Problem(f"templates[{index}].name", "must be known when the program runs: it names the "
                           "resource (the Template component takes a name given by an output)")
                   for index, entry in enumerate(entries) if not isinstance(entry.get("name"), str)]
        if unnamed:
            raise ArgumentError("Templates", unnamed)
        super().__init__("ses-domains:index:Templates", name, None, opts)
        declared = {}
        for index, entry in enumerate(entries):
            inputs = {key: checked.get("templates", index, key) for key in ("name", "subject", "text", "html")}
            declared[entry["name"]] = declare_template(
                f"{name}-{entry['name']}", inputs, pulumi.ResourceOptions(parent=self)
            )
        self.arns = pulumi.Output.all(**{key: template.arn for key, template in declared.items()}) if declared \
            else pulumi.Output.from_input({})
        self.register_outputs({"arns": self.arns})


def _template_inputs(checked: CheckedArgs) -> dict:
    return {key: checked.get(key) for key in ("name", "subject", "text", "html")}


def _template_problems(args: dict, prefix: str) -> list[Problem]:
    return unknown_arguments(args, TemplateArgs.__annotations__, prefix) if isinstance(args, dict) else []


def check_template_args(args: dict) -> list[Problem]:
    problems = Problems()
    read_templates([config_mapping(args, free=("test_data",))], ROOT, problems, Path.cwd())
    return _template_problems(args, "") + as_arguments(problems.found, TEMPLATE_KEYS, f"{ROOT}[0]")


def check_templates_args(args: dict) -> list[Problem]:
    problems = Problems()
    templates = args.get("templates")
    if templates is None:
        return unknown_arguments(args, TemplatesArgs.__annotations__) + [
            Problem("templates", "is required: a list of templates, each at least {name, subject, text or html}")
        ]
    raw = [config_mapping(entry, free=("test_data",)) for entry in templates] if isinstance(templates, list) else templates
    read_templates(raw, f"{ROOT}.templates", problems, Path.cwd())
    found = unknown_arguments(args, TemplatesArgs.__annotations__)
    for index, entry in enumerate(templates if isinstance(templates, list) else []):
        found += _template_problems(entry, f"templates[{index}].")
    return found + as_arguments(problems.found, TEMPLATE_KEYS)


def declare_template(resource_name: str, inputs: dict, opts: pulumi.ResourceOptions) -> "aws.ses.Template":
    """``inputs``: name, subject, text, html, and ``region`` (pulumi-aws's per-resource region) when
    not the provider's."""
    return aws.ses.Template(
        resource_name,
        name=inputs["name"],
        subject=inputs["subject"],
        text=inputs.get("text"),
        html=inputs.get("html"),
        region=inputs.get("region"),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=True)),
    )


def declare_templates(templates: Iterable[TemplateSpec]) -> "dict[str, aws.ses.Template]":
    """The stack's templates, keyed by name. Each is named ``template-<name>`` (renaming a template
    is a new resource and the removal of the old one, never a replacement in place) and has no
    parent: its URN predates the public components."""
    return {
        spec.name: declare_template(
            f"template-{spec.name}",
            {"name": spec.name, "subject": spec.subject, "text": spec.text, "html": spec.html},
            pulumi.ResourceOptions(),
        )
        for spec in templates
    }


def templates_summary(templates: "dict[str, aws.ses.Template]") -> dict:
    """The stack output ``templates``: ``{name: {arn}}``."""
    return {name: {"arn": template.arn} for name, template in templates.items()}
