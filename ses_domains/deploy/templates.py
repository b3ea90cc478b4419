"""SES email templates (``ses-domains:templates``), declared with pulumi-aws ``aws.ses.Template``.

SES v1's templates are the ones SESv2 ``SendEmail`` sends with (``Content.Template.TemplateName``):
one store per account and region.
"""

from __future__ import annotations

from typing import Iterable

import pulumi
import pulumi_aws as aws

from ses_domains.config.templates import TemplateSpec


def declare_templates(templates: Iterable[TemplateSpec]) -> dict[str, aws.ses.Template]:
    """One template per entry, keyed by name.

    The resource is named ``template-<name>``: renaming a template is a new resource and the
    removal of the old one, never a replacement in place. The name is the only input the
    provider replaces on (terraform-provider-aws ses/template.go: ``name`` ForceNew; subject and
    bodies change by UpdateTemplate); a replacement keeps the name (``pulumi up --replace``), and
    SES refuses a second template of the same name, so the old one is deleted first.
    """
    return {
        spec.name: aws.ses.Template(
            f"template-{spec.name}",
            name=spec.name,
            subject=spec.subject,
            text=spec.text,
            html=spec.html,
            opts=pulumi.ResourceOptions(delete_before_replace=True),
        )
        for spec in templates
    }


def templates_summary(templates: dict[str, aws.ses.Template]) -> dict:
    """The stack output ``templates``: ``{name: {arn}}``."""
    return {name: {"arn": template.arn} for name, template in templates.items()}
