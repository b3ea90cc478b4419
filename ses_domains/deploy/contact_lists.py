"""SES contact lists (list management): the public ``ContactList`` component, and the stack's
list (``ses-domains:contactLists``), declared the same way.

The name is the list's identity (the provider replaces the list when it changes) and the account
holds only one per region: the old list must be deleted before the new one can be created
(``delete_before_replace``). SES deletes a list's contacts with it. Topics change in place
(UpdateContactList).
"""

from typing import Optional

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired, TypedDict

from ses_domains.config.contact_lists import CONTACT_LIST_KEYS, TOPIC_KEYS, read_contact_lists
from ses_domains.config.errors import Problem, Problems
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments


class ContactListTopicArgs(TypedDict):
    """One topic of a contact list: what contacts subscribe to."""

    name: pulumi.Input[str]
    """The topic's name, unique in its list (``product-updates``)."""
    display_name: pulumi.Input[str]
    """The name contacts see on SES's subscription preferences page (``Product updates``)."""
    default_subscription: pulumi.Input[str]
    """``OPT_IN`` or ``OPT_OUT``: what applies to a contact who has not chosen."""
    description: NotRequired[pulumi.Input[str]]
    """What the topic is about."""


class ContactListArgs(TypedDict):
    """The arguments of a ``ContactList``."""

    name: pulumi.Input[str]
    """The contact list's name (``newsletter``). SES allows one contact list per account and region."""
    description: NotRequired[pulumi.Input[str]]
    """What the list is for."""
    topics: NotRequired[list[ContactListTopicArgs]]
    """Its topics, at most 20."""


class ContactList(pulumi.ComponentResource):
    """An SES contact list and its topics (SES allows one list per account and region)."""

    arn: pulumi.Output[str]
    """The contact list's ARN."""
    contact_list_name: pulumi.Output[str]
    """The list's name, as ``SendEmail`` takes it (``ListManagementOptions.ContactListName``)."""

    def __init__(self, name: str, args: ContactListArgs, opts: Optional[pulumi.ResourceOptions] = None):
        checked = CheckedArgs("ContactList", args, check_contact_list_args)
        super().__init__("ses-domains:index:ContactList", name, None, opts)
        topics = checked.get("topics", default=[])
        contact_list = declare_contact_list(
            name,
            checked.get("name"),
            checked.get("description"),
            [
                {key: checked.get("topics", index, key) for key in ContactListTopicArgs.__annotations__}
                for index in range(len(topics))
            ] if isinstance(topics, list) else topics,
            pulumi.ResourceOptions(parent=self),
        )
        self.arn = contact_list.arn
        self.contact_list_name = contact_list.contact_list_name
        self.register_outputs({"arn": self.arn, "contactListName": self.contact_list_name})


def check_contact_list_args(args: dict) -> list[Problem]:
    problems = Problems()
    read_contact_lists([config_mapping(args)], ROOT, problems)
    unknown = unknown_arguments(args, ContactListArgs.__annotations__)
    for index, topic in enumerate(args.get("topics") or []):
        if isinstance(topic, dict):
            unknown += unknown_arguments(topic, ContactListTopicArgs.__annotations__, f"topics[{index}].")
    return unknown + as_arguments(problems.found, (*CONTACT_LIST_KEYS, *TOPIC_KEYS), f"{ROOT}[0]")


def declare_contact_list(
    resource_name: str,
    list_name: pulumi.Input[str],
    description: Optional[pulumi.Input[str]],
    topics: pulumi.Input[list],
    opts: pulumi.ResourceOptions,
) -> aws.sesv2.ContactList:
    """``topics``: each ``{name, display_name, description, default_subscription}``."""
    def topic_args(topic: dict) -> aws.sesv2.ContactListTopicArgs:
        return aws.sesv2.ContactListTopicArgs(
            topic_name=topic["name"],
            display_name=topic["display_name"],
            description=topic.get("description"),
            default_subscription_status=topic["default_subscription"],
        )

    return aws.sesv2.ContactList(
        resource_name,
        contact_list_name=list_name,
        description=description,
        topics=[topic_args(topic) for topic in topics] or None if isinstance(topics, list)
        else pulumi.Output.from_input(topics).apply(lambda known: [topic_args(t) for t in known] or None),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=True)),
    )


def declare_contact_lists(stack: StackSpec) -> dict[str, aws.sesv2.ContactList]:
    """The stack's contact list (the config read refused more than one), keyed by name; without a
    parent: its URN predates the public component."""
    return {
        spec.name: declare_contact_list(
            f"contact-list-{spec.name}",
            spec.name,
            spec.description,
            [
                {"name": topic.name, "display_name": topic.display_name, "description": topic.description,
                 "default_subscription": topic.default_subscription}
                for topic in spec.topics
            ],
            pulumi.ResourceOptions(),
        )
        for spec in stack.contact_lists
    }
