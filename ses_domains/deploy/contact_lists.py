"""The stack's SES contact list and its topics (``ses-domains:contactLists``)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ses_domains.config.contact_lists import ContactListSpec
from ses_domains.config.stack import StackSpec


def declare_contact_lists(stack: StackSpec) -> dict[str, aws.sesv2.ContactList]:
    """The contact list (SES allows one per account and region; the config read refused more),
    keyed by name.

    The name is the list's identity (the provider replaces the list when it changes) and the
    account holds only one: the old list must be deleted before the new one can be created
    (``delete_before_replace``). SES deletes a list's contacts with it. Topics change in place
    (UpdateContactList)."""
    return {spec.name: _contact_list(spec) for spec in stack.contact_lists}


def _contact_list(spec: ContactListSpec) -> aws.sesv2.ContactList:
    return aws.sesv2.ContactList(
        f"contact-list-{spec.name}",
        contact_list_name=spec.name,
        description=spec.description,
        topics=[
            aws.sesv2.ContactListTopicArgs(
                topic_name=topic.name,
                display_name=topic.display_name,
                description=topic.description,
                default_subscription_status=topic.default_subscription,
            )
            for topic in spec.topics
        ] or None,
        opts=pulumi.ResourceOptions(delete_before_replace=True),
    )
