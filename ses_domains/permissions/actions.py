"""Which IAM actions each declared resource type, invoke and dynamic step needs, and on what.

One row per Pulumi type token: the actions its Create, Read (``pulumi refresh``), Update and
Delete call, each row naming the source it was read from. pulumi-aws is terraform-provider-aws
behind Pulumi's bridge, so the rows of ``aws:`` types follow that provider's functions
(hashicorp/terraform-provider-aws, ``internal/service/...``, read through the search tool in
2026); the dynamic steps follow this project's own code.

Common to the provider's resources:
- Create and Update end by calling Read, so a deployment needs the Read actions too.
- A type annotated ``@Tags(identifierAttribute=...)`` lists its tags on every Read
  (``ListTagsForResource``) and changes them with ``TagResource``/``UntagResource`` on Update
  when ``tags`` or the provider's ``defaultTags`` change; tags on Create travel in the create
  request itself, which SNS (CreateTopic) and CloudWatch (PutMetricAlarm) authorize as their
  ``TagResource`` too (botocore's documentation of their ``Tags`` members says so), so those two
  rows list ``TagResource`` on Create.

Each action's resource scope is in ``SCOPE_OF_ACTION``: the ARN kind the Service Authorization
Reference lists for it, or ``ANY`` where it lists none (the action takes only ``*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Scope(Enum):
    """The kind of ARN an action is allowed on in the stack's policy."""

    IDENTITY = "ses identity"
    IDENTITY_AND_SET = "ses identity, and the configuration set the request names"
    CONFIGURATION_SET = "ses configuration-set"
    MULTI_REGION_ENDPOINT = "ses multi-region-endpoint"
    CONTACT_LIST = "ses contact-list"
    DEDICATED_IP_POOL = "ses dedicated-ip-pool"
    STACK_ZONE = "a hosted zone the stack writes"
    ANY_ZONE = "any hosted zone (metadata read while the zones are found)"
    CHANGE = "a Route 53 change"
    TOPIC = "an SNS topic the stack creates"
    ROLE = "an IAM role the stack creates"
    ALARM = "a CloudWatch alarm"
    SERVICE_LINKED_ROLE = "SES's service-linked role (made by the first multi-region endpoint), for SES only"
    BUCKET = "an S3 bucket the stack's receiving stores mail in (read at preview)"
    POLICY_BUCKET = "an S3 bucket whose policy the stack writes (receive.bucketPolicy true)"
    SES_RESOURCE = "any SES resource the stack declares (tags)"
    ANY = "* (the action supports no resource type)"


@dataclass(frozen=True)
class TypePermissions:
    """The actions one resource type, invoke or dynamic step needs."""

    create: tuple[str, ...] = ()
    read: tuple[str, ...] = ()
    update: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    source: str = ""
    """Where the calls were read: a provider file and its functions, or our own module."""

    def actions(self) -> frozenset[str]:
        """Everything a deployment, refresh and destroy of it may call."""
        return frozenset(self.create + self.read + self.update + self.delete)


_SES_TAGS = ("ses:TagResource", "ses:UntagResource")

RESOURCE_TYPES: dict[str, TypePermissions] = {
    # --- SESv2 ------------------------------------------------------------------------------
    "aws:sesv2/emailIdentity:EmailIdentity": TypePermissions(
        create=("ses:CreateEmailIdentity",),
        read=("ses:GetEmailIdentity", "ses:ListTagsForResource"),
        update=("ses:PutEmailIdentityConfigurationSetAttributes", "ses:PutEmailIdentityDkimSigningAttributes", *_SES_TAGS),
        delete=("ses:DeleteEmailIdentity",),
        source="sesv2/email_identity.go resourceEmailIdentityCreate/Read/Update/Delete, findEmailIdentity; "
        "@Tags(identifierAttribute=arn)",
    ),
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": TypePermissions(
        create=("ses:PutEmailIdentityMailFromAttributes",),
        read=("ses:GetEmailIdentity",),
        update=("ses:PutEmailIdentityMailFromAttributes",),
        delete=("ses:PutEmailIdentityMailFromAttributes",),
        source="sesv2/email_identity_mail_from_attributes.go resourceEmailIdentityMailFromAttributesCreate/Read/"
        "Update/Delete (Delete puts empty attributes)",
    ),
    "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes": TypePermissions(
        create=("ses:PutEmailIdentityFeedbackAttributes",),
        read=("ses:GetEmailIdentity",),
        update=("ses:PutEmailIdentityFeedbackAttributes",),
        delete=("ses:PutEmailIdentityFeedbackAttributes",),
        source="sesv2/email_identity_feedback_attributes.go resourceEmailIdentityFeedbackAttributesCreate/Read/"
        "Update/Delete (Delete puts forwarding off)",
    ),
    "aws:sesv2/configurationSet:ConfigurationSet": TypePermissions(
        create=("ses:CreateConfigurationSet",),
        read=("ses:GetConfigurationSet", "ses:ListTagsForResource"),
        update=(
            "ses:PutConfigurationSetDeliveryOptions", "ses:PutConfigurationSetReputationOptions",
            "ses:PutConfigurationSetSendingOptions", "ses:PutConfigurationSetSuppressionOptions",
            "ses:PutConfigurationSetTrackingOptions", "ses:PutConfigurationSetVdmOptions", *_SES_TAGS,
        ),
        delete=("ses:DeleteConfigurationSet",),
        source="sesv2/configuration_set.go resourceConfigurationSetCreate/Read/Update/Delete, "
        "FindConfigurationSetByID, ListTags/UpdateTags",
    ),
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": TypePermissions(
        create=("ses:CreateConfigurationSetEventDestination",),
        read=("ses:GetConfigurationSetEventDestinations",),
        update=("ses:UpdateConfigurationSetEventDestination",),
        delete=("ses:DeleteConfigurationSetEventDestination",),
        source="sesv2/configuration_set_event_destination.go resourceConfigurationSetEventDestinationCreate/Read/"
        "Update (only when event_destination changes)/Delete, FindConfigurationSetEventDestinationByID "
        "(GetConfigurationSetEventDestinations of the set, then the one by name); no tags",
    ),
    "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint": TypePermissions(
        create=("ses:CreateMultiRegionEndpoint", "iam:CreateServiceLinkedRole"),
        read=("ses:GetMultiRegionEndpoint", "ses:ListTagsForResource"),
        update=(),
        delete=("ses:DeleteMultiRegionEndpoint",),
        source="sesv2/multi_region_endpoint.go multiRegionEndpointResource Create/Read/Delete (WithNoUpdate), "
        "waitMultiRegionEndpointCreated/Deleted, findMultiRegionEndpointByName; @Tags(identifierAttribute=arn). "
        "SES guide, \"Using Global endpoints\": CreateMultiRegionEndpoint makes SES's service-linked role "
        "(AWSServiceRoleForAmazonSES) on first use, which needs iam:CreateServiceLinkedRole for ses.amazonaws.com",
    ),
    "aws:sesv2/contactList:ContactList": TypePermissions(
        create=("ses:CreateContactList",),
        read=("ses:GetContactList", "ses:ListTagsForResource"),
        update=("ses:UpdateContactList", *_SES_TAGS),
        delete=("ses:DeleteContactList",),
        source="sesv2/contact_list.go resourceContactListCreate (tags in CreateContactList), resourceContactListRead "
        "(findContactListByID/findContactList: GetContactList), resourceContactListUpdate (UpdateContactList when "
        "description or topics change), resourceContactListDelete; @Tags(identifierAttribute=arn): ListTagsForResource "
        "on Read, TagResource/UntagResource on Update",
    ),
    "aws:sesv2/dedicatedIpPool:DedicatedIpPool": TypePermissions(
        create=("ses:CreateDedicatedIpPool",),
        read=("ses:GetDedicatedIpPool", "ses:ListTagsForResource"),
        update=_SES_TAGS,
        delete=("ses:DeleteDedicatedIpPool",),
        source="sesv2/dedicated_ip_pool.go resourceDedicatedIPPoolCreate/Read/Update (tags only)/Delete, "
        "findDedicatedIPPool; @Tags(identifierAttribute=arn)",
    ),
    "aws:sesv2/accountVdmAttributes:AccountVdmAttributes": TypePermissions(
        create=("ses:PutAccountVdmAttributes",),
        read=("ses:GetAccount",),
        update=("ses:PutAccountVdmAttributes",),
        delete=("ses:PutAccountVdmAttributes",),
        source="sesv2/account_vdm_attributes.go resourceAccountVDMAttributesUpdate (create and update: "
        "PutAccountVdmAttributes), resourceAccountVDMAttributesRead (findAccountVDMAttributes -> findAccount: "
        "GetAccount), resourceAccountVDMAttributesDelete (PutAccountVdmAttributes with VdmEnabled DISABLED)",
    ),
    "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes": TypePermissions(
        create=("ses:PutAccountSuppressionAttributes",),
        read=("ses:GetAccount",),
        update=("ses:PutAccountSuppressionAttributes",),
        delete=(),
        source="sesv2/account_suppression_attributes.go accountSuppressionAttributesResource Create/Update "
        "(PutAccountSuppressionAttributes, no Read after), Read (findAccountSuppressionAttributes -> findAccount: "
        "GetAccount), Delete: framework.WithNoOpDelete, no call",
    ),
    # --- SES (v1) ---------------------------------------------------------------------------
    "aws:ses/template:Template": TypePermissions(
        create=("ses:CreateTemplate",),
        read=("ses:GetTemplate",),
        update=("ses:UpdateTemplate",),
        delete=("ses:DeleteTemplate",),
        source="ses/template.go resourceTemplateCreate/Read/Update/Delete, findTemplateByName/findTemplate "
        "(GetTemplate); no tags",
    ),
    "aws:ses/receiptRuleSet:ReceiptRuleSet": TypePermissions(
        create=("ses:CreateReceiptRuleSet",),
        read=("ses:DescribeReceiptRuleSet",),
        update=(),
        delete=("ses:DeleteReceiptRuleSet",),
        source="ses/receipt_rule_set.go resourceReceiptRuleSetCreate/Read/Delete (no Update: rule_set_name is "
        "ForceNew), findReceiptRuleSetByName/findReceiptRuleSet (DescribeReceiptRuleSet)",
    ),
    "aws:ses/receiptRule:ReceiptRule": TypePermissions(
        create=("ses:CreateReceiptRule",),
        read=("ses:DescribeReceiptRule",),
        update=("ses:UpdateReceiptRule", "ses:SetReceiptRulePosition"),
        delete=("ses:DeleteReceiptRule",),
        source="ses/receipt_rule.go resourceReceiptRuleCreate (CreateReceiptRule retried while SES cannot yet "
        "write to the bucket), resourceReceiptRuleRead (findReceiptRuleByTwoPartKey/findReceiptRule: "
        "DescribeReceiptRule), resourceReceiptRuleUpdate (UpdateReceiptRule, SetReceiptRulePosition when `after` "
        "changes), resourceReceiptRuleDelete; no iam_role_arn on the S3 action, so no iam:PassRole",
    ),
    "aws:ses/activeReceiptRuleSet:ActiveReceiptRuleSet": TypePermissions(
        create=("ses:SetActiveReceiptRuleSet",),
        read=("ses:DescribeActiveReceiptRuleSet",),
        update=("ses:SetActiveReceiptRuleSet",),
        delete=("ses:SetActiveReceiptRuleSet",),
        source="ses/active_receipt_rule_set.go resourceActiveReceiptRuleSetUpdate (create and update: "
        "SetActiveReceiptRuleSet), resourceActiveReceiptRuleSetRead (findActiveReceiptRuleSet: "
        "DescribeActiveReceiptRuleSet), resourceActiveReceiptRuleSetDelete (SetActiveReceiptRuleSet without a name)",
    ),
    # --- Route 53 ---------------------------------------------------------------------------
    "aws:route53/record:Record": TypePermissions(
        create=("route53:GetHostedZone", "route53:ChangeResourceRecordSets", "route53:GetChange"),
        read=("route53:GetHostedZone", "route53:ListResourceRecordSets"),
        update=("route53:GetHostedZone", "route53:ChangeResourceRecordSets", "route53:GetChange"),
        delete=("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets", "route53:GetChange"),
        source="route53/record.go resourceRecordCreate (findHostedZoneByID for the zone name, "
        "ChangeResourceRecordSets, waitChangeInsync), resourceRecordRead/Delete "
        "(findResourceRecordSetByFourPartKey: GetHostedZone + ListResourceRecordSets), resourceRecordUpdate",
    ),
    # --- SNS --------------------------------------------------------------------------------
    "aws:sns/topic:Topic": TypePermissions(
        create=("sns:CreateTopic", "sns:SetTopicAttributes", "sns:TagResource"),
        read=("sns:GetTopicAttributes", "sns:ListTagsForResource"),
        update=("sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"),
        delete=("sns:DeleteTopic",),
        source="sns/topic.go resourceTopicCreate (CreateTopic with the tags, which SNS authorizes as "
        "sns:TagResource too; putTopicAttributes/putTopicAttribute: SetTopicAttributes per attribute; createTags "
        "where tag-on-create is unsupported), resourceTopicRead (findTopicAttributesWithValidAWSPrincipalsByARN -> "
        "findTopicAttributesByARN: GetTopicAttributes), resourceTopicUpdate (putTopicAttributes unless only tags "
        "changed), resourceTopicDelete (DeleteTopic); @Tags(identifierAttribute=arn): ListTagsForResource on Read, "
        "TagResource/UntagResource on Update. No feedback role ARNs are set, so CreateTopic's iam:PassRole is not "
        "needed",
    ),
    "aws:sns/topicPolicy:TopicPolicy": TypePermissions(
        create=("sns:SetTopicAttributes",),
        read=("sns:GetTopicAttributes",),
        update=("sns:SetTopicAttributes",),
        delete=("sns:SetTopicAttributes",),
        source="sns/topic_policy.go resourceTopicPolicyUpsert (putTopicPolicy), resourceTopicPolicyRead, "
        "resourceTopicPolicyDelete (puts the default policy back)",
    ),
    # --- IAM --------------------------------------------------------------------------------
    "aws:iam/role:Role": TypePermissions(
        create=("iam:CreateRole",),
        read=("iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"),
        update=("iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription", "iam:UpdateRole", "iam:TagRole",
                "iam:UntagRole"),
        delete=("iam:ListInstanceProfilesForRole", "iam:DeleteRole"),
        source="iam/role.go resourceRoleCreate (retryCreateRole), resourceRoleRead (GetRole, "
        "readRoleInlinePolicies, readRolePolicyAttachments), resourceRoleUpdate, resourceRoleDelete/DeleteRole "
        "(deleteRoleInstanceProfiles; no force_detach_policies, no managed or inline_policy blocks)",
    ),
    "aws:iam/rolePolicy:RolePolicy": TypePermissions(
        create=("iam:PutRolePolicy",),
        read=("iam:GetRolePolicy",),
        update=("iam:PutRolePolicy",),
        delete=("iam:DeleteRolePolicy",),
        source="iam/role_policy.go resourceRolePolicyPut (create and update), resourceRolePolicyRead "
        "(FindRolePolicyByTwoPartKey), resourceRolePolicyDelete",
    ),
    # --- CloudWatch, S3 ---------------------------------------------------------------------
    "aws:cloudwatch/metricAlarm:MetricAlarm": TypePermissions(
        create=("cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"),
        read=("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
        update=("cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"),
        delete=("cloudwatch:DeleteAlarms",),
        source="cloudwatch/metric_alarm.go resourceMetricAlarmCreate (findMetricAlarmByName: DescribeAlarms, "
        "refusing an existing name; PutMetricAlarm from expandPutMetricAlarmInput with the tags, which needs "
        "cloudwatch:TagResource; createTags where tag-on-create is unsupported), resourceMetricAlarmRead "
        "(findMetricAlarmByName), resourceMetricAlarmUpdate (PutMetricAlarm unless only tags changed), "
        "resourceMetricAlarmDelete (DeleteAlarms); @Tags(identifierAttribute=arn): ListTagsForResource on Read, "
        "TagResource/UntagResource on Update",
    ),
    "aws:s3/bucketPolicy:BucketPolicy": TypePermissions(
        create=("s3:PutBucketPolicy", "s3:GetBucketPolicy"),
        read=("s3:GetBucketPolicy",),
        update=("s3:PutBucketPolicy",),
        delete=("s3:DeleteBucketPolicy", "s3:GetBucketPolicy"),
        source="s3/bucket_policy.go resourceBucketPolicyPut (create and update: PutBucketPolicy; on create it "
        "waits with RetryWhenNotFound(findBucketPolicy: GetBucketPolicy)), resourceBucketPolicyRead "
        "(findBucketPolicy), resourceBucketPolicyDelete (DeleteBucketPolicy, then RetryUntilNotFound(findBucketPolicy))",
    ),
    # --- this project's dynamic resources ---------------------------------------------------
    "pulumi-python:dynamic/ses-domains:Verification": TypePermissions(
        create=("ses:GetEmailIdentity",),
        read=("ses:GetEmailIdentity",),
        update=("ses:GetEmailIdentity",),
        source="ses_domains/deploy/verification.py + provider_ops.py verify/refresh: engine/ses/client.py "
        "SesReader (GetEmailIdentity per region) and DNS queries",
    ),
    "pulumi-python:dynamic/ses-domains:DkimKeyPublished": TypePermissions(
        source="ses_domains/deploy/dkim_key_published.py: asks the zone's nameservers over DNS; no AWS call",
    ),
    "pulumi-python:dynamic/ses-domains:DkimSigningOrigin": TypePermissions(
        create=("ses:GetEmailIdentity", "ses:PutEmailIdentityDkimSigningAttributes"),
        update=("ses:GetEmailIdentity", "ses:PutEmailIdentityDkimSigningAttributes"),
        source="ses_domains/deploy/dkim_signing_origin_ops.py apply_signing: read_signing (get_email_identity), "
        "put_email_identity_dkim_signing_attributes when SES signs otherwise than declared; delete calls nothing",
    ),
    "pulumi-python:dynamic/ses-domains:ApexSpf": TypePermissions(
        create=("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"),
        read=("route53:ListResourceRecordSets",),
        update=("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"),
        delete=("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"),
        source="ses_domains/deploy/apex_spf_ops.py read_txt (list_resource_record_sets), merge/restore/_replace "
        "(change_resource_record_sets)",
    ),
    "pulumi-python:dynamic/ses-domains:ZoneRecords": TypePermissions(
        create=("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets", "route53:GetChange"),
        read=("route53:ListResourceRecordSets",),
        update=("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets", "route53:GetChange"),
        delete=("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets", "route53:GetChange"),
        source="ses_domains/deploy/zone_records_ops.py write/remove/read: engine/route53/writes.py "
        "ZoneRecordsClient (list_resource_record_sets pages, change_resource_record_sets, get_change)",
    ),
    "pulumi-python:dynamic/ses-domains:TrackingOptions": TypePermissions(
        create=("ses:PutConfigurationSetTrackingOptions",),
        read=("ses:GetConfigurationSet",),
        update=("ses:PutConfigurationSetTrackingOptions",),
        delete=("ses:PutConfigurationSetTrackingOptions",),
        source="ses_domains/deploy/set_options_ops.py put_tracking, read_tracking (get_configuration_set), "
        "clear_tracking",
    ),
    "pulumi-python:dynamic/ses-domains:SuppressionOff": TypePermissions(
        create=("ses:PutConfigurationSetSuppressionOptions",),
        read=("ses:GetConfigurationSet",),
        update=("ses:PutConfigurationSetSuppressionOptions",),
        delete=("ses:PutConfigurationSetSuppressionOptions",),
        source="ses_domains/deploy/set_options_ops.py put_suppression_off, read_suppressed_reasons "
        "(get_configuration_set); Delete puts the set's own reasons back",
    ),
}
"""Every resource type the program may declare."""

INVOKES: dict[str, TypePermissions] = {
    "aws:route53/getZone:getZone": TypePermissions(
        read=("route53:ListHostedZones", "route53:GetHostedZone", "route53:ListTagsForResource"),
        source="route53/zone_data_source.go dataSourceZoneRead: by name ListHostedZones (paginated); "
        "findHostedZoneByID and findHostedZoneNameServers (GetHostedZone); listTags",
    ),
    "aws:route53/getZones:getZones": TypePermissions(
        read=("route53:ListHostedZones",),
        source="route53/zones_data_source.go zonesDataSource.Read: findHostedZones (ListHostedZones paginator, "
        "every zone)",
    ),
    "aws:route53/getRecords:getRecords": TypePermissions(
        read=("route53:ListResourceRecordSets",),
        source="route53/records_data_source.go recordsDataSource.Read: findResourceRecordSets "
        "(ListResourceRecordSets paginator on zone_id; name_regex filters client-side)",
    ),
    "aws:sesv2/getEmailIdentity:getEmailIdentity": TypePermissions(
        read=("ses:GetEmailIdentity", "ses:ListTagsForResource"),
        source="sesv2/email_identity_data_source.go dataSourceEmailIdentityRead: findEmailIdentityByID, tags",
    ),
    "aws:index/getCallerIdentity:getCallerIdentity": TypePermissions(
        source="sts GetCallerIdentity, which needs no permission (IAM cannot deny it)",
    ),
    "aws:index/getPartition:getPartition": TypePermissions(
        source="the provider's own configuration: no AWS call",
    ),
    "aws:s3/getBucket:getBucket": TypePermissions(
        read=("s3:ListBucket",),
        source="s3/bucket_data_source.go dataSourceBucketRead: findBucket (HeadBucket) and findBucketRegion "
        "(manager.GetBucketRegion: HeadBucket), which IAM authorizes as s3:ListBucket; its findBucketWebsite "
        "(GetBucketWebsite) failing with anything but not-found is only logged, so GetBucketWebsite is not granted",
    ),
    "aws:s3/getBucketPolicy:getBucketPolicy": TypePermissions(
        read=("s3:GetBucketPolicy",),
        source="s3/bucket_policy_data_source.go dataSourceBucketPolicyRead: findBucketPolicy (GetBucketPolicy)",
    ),
    "aws:ses/getActiveReceiptRuleSet:getActiveReceiptRuleSet": TypePermissions(
        read=("ses:DescribeActiveReceiptRuleSet",),
        source="ses/active_receipt_rule_set_data_source.go dataSourceActiveReceiptRuleSetRead: "
        "DescribeActiveReceiptRuleSet",
    ),
}
"""Every provider function (invoke) the program may call."""

SCOPE_OF_ACTION: dict[str, Scope] = {
    # SESv2 and SES actions on identities (Service Authorization Reference, SES v2: resource
    # type identity*). CreateEmailIdentity names its identity ARN too.
    **{action: Scope.IDENTITY for action in (
        "ses:CreateEmailIdentity", "ses:GetEmailIdentity", "ses:DeleteEmailIdentity",
        "ses:PutEmailIdentityDkimSigningAttributes", "ses:PutEmailIdentityMailFromAttributes",
        "ses:PutEmailIdentityFeedbackAttributes",
    )},
    # identity* and configuration-set: a request naming a set is authorized on both ARNs.
    "ses:PutEmailIdentityConfigurationSetAttributes": Scope.IDENTITY_AND_SET,
    **{action: Scope.CONFIGURATION_SET for action in (
        "ses:CreateConfigurationSet", "ses:GetConfigurationSet", "ses:DeleteConfigurationSet",
        "ses:PutConfigurationSetDeliveryOptions", "ses:PutConfigurationSetReputationOptions",
        "ses:PutConfigurationSetSendingOptions", "ses:PutConfigurationSetSuppressionOptions",
        "ses:PutConfigurationSetTrackingOptions", "ses:PutConfigurationSetVdmOptions",
        "ses:CreateConfigurationSetEventDestination", "ses:GetConfigurationSetEventDestinations",
        "ses:UpdateConfigurationSetEventDestination", "ses:DeleteConfigurationSetEventDestination",
    )},
    # SESv2 lists no resource type for CreateMultiRegionEndpoint (it is below, on *).
    "ses:GetMultiRegionEndpoint": Scope.MULTI_REGION_ENDPOINT,
    "ses:DeleteMultiRegionEndpoint": Scope.MULTI_REGION_ENDPOINT,
    **{action: Scope.CONTACT_LIST for action in (
        "ses:CreateContactList", "ses:GetContactList", "ses:UpdateContactList", "ses:DeleteContactList",
    )},
    **{action: Scope.DEDICATED_IP_POOL for action in (
        "ses:CreateDedicatedIpPool", "ses:GetDedicatedIpPool", "ses:DeleteDedicatedIpPool",
    )},
    # Tags: on whichever SES resource the stack declares (identity, set, endpoint, list, pool).
    "ses:ListTagsForResource": Scope.SES_RESOURCE,
    "ses:TagResource": Scope.SES_RESOURCE,
    "ses:UntagResource": Scope.SES_RESOURCE,
    # Account-level SES settings, and SES v1 templates and receiving: no resource type.
    **{action: Scope.ANY for action in (
        "ses:GetAccount", "ses:PutAccountVdmAttributes", "ses:PutAccountSuppressionAttributes",
        "ses:CreateMultiRegionEndpoint",
        "ses:CreateTemplate", "ses:GetTemplate", "ses:UpdateTemplate", "ses:DeleteTemplate",
        "ses:CreateReceiptRuleSet", "ses:DescribeReceiptRuleSet", "ses:DeleteReceiptRuleSet",
        "ses:CreateReceiptRule", "ses:DescribeReceiptRule", "ses:UpdateReceiptRule", "ses:DeleteReceiptRule",
        "ses:SetReceiptRulePosition", "ses:SetActiveReceiptRuleSet", "ses:DescribeActiveReceiptRuleSet",
    )},
    # Route 53.
    "route53:ChangeResourceRecordSets": Scope.STACK_ZONE,
    "route53:ListResourceRecordSets": Scope.STACK_ZONE,
    "route53:GetHostedZone": Scope.ANY_ZONE,
    "route53:ListTagsForResource": Scope.ANY_ZONE,
    "route53:GetChange": Scope.CHANGE,
    "route53:ListHostedZones": Scope.ANY,
    "route53:ListHostedZonesByName": Scope.ANY,
    # SNS, IAM, CloudWatch, S3.
    **{action: Scope.TOPIC for action in (
        "sns:CreateTopic", "sns:SetTopicAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource",
        "sns:TagResource", "sns:UntagResource", "sns:DeleteTopic",
    )},
    **{action: Scope.ROLE for action in (
        "iam:CreateRole", "iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
        "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole",
        "iam:ListInstanceProfilesForRole", "iam:DeleteRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
    )},
    **{action: Scope.ALARM for action in (
        "cloudwatch:PutMetricAlarm", "cloudwatch:ListTagsForResource", "cloudwatch:TagResource",
        "cloudwatch:UntagResource", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms",
    )},
    "iam:CreateServiceLinkedRole": Scope.SERVICE_LINKED_ROLE,
    **{action: Scope.POLICY_BUCKET for action in ("s3:PutBucketPolicy", "s3:DeleteBucketPolicy")},
    **{action: Scope.BUCKET for action in ("s3:GetBucketPolicy", "s3:ListBucket")},
}


class UnknownResourceType(Exception):
    """A declared type or invoke with no row here: its permissions must be added, never guessed."""


def permissions_of(token: str) -> TypePermissions:
    """The row of a resource type or invoke token."""
    row = RESOURCE_TYPES.get(token) or INVOKES.get(token)
    if row is None:
        raise UnknownResourceType(
            f"{token} has no row in ses_domains/permissions/actions.py: read its provider source (Create, Read, "
            "Update, Delete) and add the IAM actions it calls, with their resource scope"
        )
    return row


def every_action() -> frozenset[str]:
    """Every action any row names."""
    rows = list(RESOURCE_TYPES.values()) + list(INVOKES.values())
    return frozenset(action for row in rows for action in row.actions())
