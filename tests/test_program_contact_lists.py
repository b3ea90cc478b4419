"""The real program under Pulumi mocks: the SES contact list and its topics, and every mistake in them."""

from __future__ import annotations

import pytest

from tests.aws_rules import check_resources
from tests.pulumi_program import Declared, RecordingMocks, refused_at_preview, run_program

CONTACT_LIST = "aws:sesv2/contactList:ContactList"
L = "ses-domains:contactLists"
ACCOUNT = "123456789012"

NEWSLETTER = {
    "name": "newsletter",
    "description": "What we send to readers",
    "topics": [
        {"name": "product-updates", "displayName": "Product updates", "description": "New features, monthly",
         "defaultSubscription": "OPT_IN"},
        {"name": "offers", "displayName": "Offers", "defaultSubscription": "OPT_OUT"},
    ],
}


class ListMocks(RecordingMocks):
    def extra_state(self, args):
        if args.typ == CONTACT_LIST:
            return {"arn": f"arn:aws:ses:eu-west-1:{ACCOUNT}:contact-list/{args.inputs['contactListName']}"}
        return {}


def run_lists(contact_lists):
    return run_program({
        "aws:region": "eu-west-1",
        "ses-domains:domains": [{"domain": "example.com"}],
        L: contact_lists,
    }, mocks=ListMocks())


def test_the_contact_list_with_its_topics_is_declared_and_exported():
    run = run_lists([NEWSLETTER])

    [contact_list] = run.of_type(CONTACT_LIST)
    assert contact_list.name == "contact-list-newsletter"
    assert contact_list.inputs == {
        "contactListName": "newsletter",
        "description": "What we send to readers",
        "topics": [
            {"topicName": "product-updates", "displayName": "Product updates", "description": "New features, monthly",
             "defaultSubscriptionStatus": "OPT_IN"},
            {"topicName": "offers", "displayName": "Offers", "defaultSubscriptionStatus": "OPT_OUT"},
        ],
    }
    assert run.outputs["contactLists"] == {"newsletter": f"arn:aws:ses:eu-west-1:{ACCOUNT}:contact-list/newsletter"}


def test_a_list_without_topics_or_description_sends_only_its_name():
    run = run_lists([{"name": 2026}])

    [contact_list] = run.of_type(CONTACT_LIST)
    assert contact_list.inputs == {"contactListName": "2026"}
    [request] = check_resources(run.of_type(CONTACT_LIST)).requests
    assert (request.operation, request.params) == ("CreateContactList", {"ContactListName": "2026"})


def test_without_the_key_there_is_no_contact_list_and_no_export():
    run = run_program({"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}]})

    assert run.of_type(CONTACT_LIST) == []
    assert "contactLists" not in run.outputs


def test_the_create_request_is_one_ses_accepts():
    run = run_lists([NEWSLETTER])

    report = check_resources(run.of_type(CONTACT_LIST))
    assert not report.violations, report.describe()
    [request] = report.requests
    assert request.params == {
        "ContactListName": "newsletter",
        "Description": "What we send to readers",
        "Topics": [
            {"TopicName": "product-updates", "DisplayName": "Product updates", "Description": "New features, monthly",
             "DefaultSubscriptionStatus": "OPT_IN"},
            {"TopicName": "offers", "DisplayName": "Offers", "DefaultSubscriptionStatus": "OPT_OUT"},
        ],
    }


def test_the_aws_layer_refuses_21_topics_and_a_topic_twice():
    topics = [{"topicName": f"t{i}", "displayName": "T", "defaultSubscriptionStatus": "OPT_IN"} for i in range(21)]
    twice = [{"topicName": "t", "displayName": "A", "defaultSubscriptionStatus": "OPT_IN"},
             {"topicName": "t", "displayName": "B", "defaultSubscriptionStatus": "OPT_OUT"}]
    found = check_resources([
        Declared(CONTACT_LIST, "many", {"contactListName": "many", "topics": topics}, {}),
        Declared(CONTACT_LIST, "twice", {"contactListName": "twice", "topics": twice}, {}),
    ]).violations

    assert [(v.resource_name, v.path) for v in found] == [("many", "Topics"), ("twice", "Topics[1].TopicName")]


def topic(**changes):
    return {"name": "t", "displayName": "T", "defaultSubscription": "OPT_IN", **changes}


CASES = {
    "not a list": ({"name": "newsletter"}, f"{L}: must be a list holding one contact list"),
    "entry not a mapping": (["newsletter"], f"{L}[0]: must be a mapping of keys (name, description, topics)"),
    "missing name": ([{"description": "d"}], f"{L}[0].name: is required: the contact list name"),
    "empty name": ([{"name": " "}], f"{L}[0].name: must be a non-empty string, got ' '"),
    "typo in a key": ([{"name": "n", "topic": []}], f"{L}[0].topic: unknown key; did you mean 'topics'?"),
    "two lists": ([{"name": "a"}, {"name": "b"}],
                  f"{L}[1]: SES allows one contact list per account and region, and {L}[0] is already one"),
    "topics not a list": ([{"name": "n", "topics": {"name": "t"}}], f"{L}[0].topics: must be a list of topics"),
    "21 topics": ([{"name": "n", "topics": [topic(name=f"t{i}") for i in range(21)]}],
                  f"{L}[0].topics: has 21 topics; SES allows at most 20 in a contact list"),
    "topic twice": ([{"name": "n", "topics": [topic(), topic(displayName="Other")]}],
                    f"{L}[0].topics[1].name: the topic t is already declared at {L}[0].topics[0]"),
    "topic without a name": ([{"name": "n", "topics": [{"displayName": "T", "defaultSubscription": "OPT_IN"}]}],
                             f"{L}[0].topics[0].name: is required: the topic name"),
    "topic without a display name": ([{"name": "n", "topics": [{"name": "t", "defaultSubscription": "OPT_IN"}]}],
                                     f"{L}[0].topics[0].displayName: is required: the name contacts see"),
    "topic without a default": ([{"name": "n", "topics": [{"name": "t", "displayName": "T"}]}],
                                f"{L}[0].topics[0].defaultSubscription: is required: one of OPT_IN, OPT_OUT"),
    "unknown default": ([{"name": "n", "topics": [topic(defaultSubscription="SUBSCRIBED")]}],
                        f"{L}[0].topics[0].defaultSubscription: must be one of OPT_IN, OPT_OUT, got 'SUBSCRIBED'"),
    "topic key typo": ([{"name": "n", "topics": [topic(descripton="x")]}],
                       f"{L}[0].topics[0].descripton: unknown key; did you mean 'description'?"),
    "description not text": ([{"name": "n", "description": ["a"]}], f"{L}[0].description: must be a non-empty string"),
}


@pytest.mark.parametrize("contact_lists, expected", CASES.values(), ids=CASES.keys())
def test_bad_contact_lists_are_reported_with_their_key_before_anything_is_declared(contact_lists, expected):
    message = refused_at_preview(
        {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}], L: contact_lists})

    assert expected in message
    assert message.startswith("the stack config has")
