"""``ses-domains:contactLists``: the SESv2 contact list (list management) and its topics.

SES's rules (SESv2 API model: ``CreateContactList`` and its ``Topic`` shape; SES Developer Guide,
"Using list management"): a topic needs a name, a display name and a default subscription status
(OPT_IN or OPT_OUT); a list has at most 20 topics; an account has ONE contact list per region.
The model gives names no pattern or length, so names are only required to be text; topic names
are unique within their list (SES keys contacts' preferences by topic name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section, first_of_each_name, as_text, describe

CONTACT_LIST_KEYS = ("name", "description", "topics")
TOPIC_KEYS = ("name", "displayName", "description", "defaultSubscription")
SUBSCRIPTION_STATUSES = ("OPT_IN", "OPT_OUT")
MAX_CONTACT_LISTS = 1
"""SES allows one contact list per account and region."""
MAX_TOPICS = 20
"""SES: "A list can have a maximum of 20 topics"."""


@dataclass(frozen=True)
class TopicSpec:
    key: str
    name: str
    display_name: str
    """What a contact sees (on SES's subscription preferences page)."""
    description: Optional[str]
    default_subscription: str
    """OPT_IN or OPT_OUT: what applies to a contact who has not chosen."""


@dataclass(frozen=True)
class ContactListSpec:
    key: str
    name: str
    description: Optional[str]
    topics: tuple[TopicSpec, ...]


def read_contact_lists(raw: Any, key: str, problems: Problems) -> tuple[ContactListSpec, ...]:
    """Every valid entry of the list; bad entries are reported (under their keys) and left out."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(key, f"must be a list holding one contact list such as [{{name: newsletter, topics: [...]}}], "
                          f"got {describe(raw)}")
        return ()
    lists: list[ContactListSpec] = []
    for index, item in enumerate(raw):
        item_key = f"{key}[{index}]"
        spec = _contact_list(Section(item, item_key, problems, CONTACT_LIST_KEYS))
        if index >= MAX_CONTACT_LISTS:
            problems.add(
                item_key,
                f"SES allows one contact list per account and region, and {key}[0] is already one: put these "
                "topics in that list (each list holds up to 20 topics)",
            )
            continue
        if spec is not None:
            lists.append(spec)
    return tuple(lists)


def _contact_list(section: Section) -> Optional[ContactListSpec]:
    before = len(section.problems.found)
    name = _text(section, "name", "the contact list name, such as newsletter")
    description = _text(section, "description", None)
    topics = _topics(section)
    if len(section.problems.found) != before or name is None:
        return None
    return ContactListSpec(key=section.key, name=name, description=description, topics=topics)


def _topics(section: Section) -> tuple[TopicSpec, ...]:
    raw = section.raw.get("topics")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        section.problem("topics", f"must be a list of topics, each {{name, displayName, defaultSubscription}}, "
                                  f"got {describe(raw)}")
        return ()
    if len(raw) > MAX_TOPICS:
        section.problem("topics", f"has {len(raw)} topics; SES allows at most {MAX_TOPICS} in a contact list")
    read = (_topic(Section(item, key, section.problems, TOPIC_KEYS)) for key, item in section.items("topics"))
    return tuple(first_of_each_name((topic for topic in read if topic is not None), "topic", section.problems))


def _topic(section: Section) -> Optional[TopicSpec]:
    before = len(section.problems.found)
    name = _text(section, "name", "the topic name, such as product-updates")
    display_name = _text(section, "displayName", "the name contacts see, such as Product updates")
    description = _text(section, "description", None)
    default = section.choice("defaultSubscription", SUBSCRIPTION_STATUSES, required=True)
    if len(section.problems.found) != before or name is None or display_name is None or default is None:
        return None
    return TopicSpec(key=section.key, name=name, display_name=display_name, description=description,
                     default_subscription=default)


def _text(section: Section, name: str, required: Optional[str]) -> Optional[str]:
    """A non-empty string (digits YAML read as a number are the text they spell); ``required``
    says what is expected when the key is missing, ``None`` when it is optional."""
    value = as_text(section.raw.get(name))
    if value is None:
        if required:
            section.problem(name, f"is required: {required}")
        return None
    if not isinstance(value, str) or not value.strip():
        section.problem(name, f"must be a non-empty string, got {describe(value)}")
        return None
    return value
