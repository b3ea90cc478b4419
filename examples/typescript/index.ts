// SES from TypeScript through the ses-domains component package (`pulumi package add ../..`).
// Components used from TypeScript cannot run Python dynamic resources: the verification step and
// the apex SPF merge are off here (see README, "TypeScript and YAML").
import * as aws from "@pulumi/aws";
import * as sesDomains from "@pulumi/ses-domains";

const zone = new aws.route53.Zone("zone", { name: "example.com" });

const bulk = new sesDomains.DedicatedIpPool("bulk", {
    name: "bulk",
    scalingMode: "MANAGED",
});

const transactional = new sesDomains.ConfigurationSet("transactional", {
    name: "transactional",
    sendingPool: bulk.poolName,
});

const example = new sesDomains.SendingDomain("example.com", {
    domain: "example.com",
    zoneId: zone.zoneId,
    mailFrom: "bounce",
    dmarc: { policy: "reject", rua: ["mailto:dmarc@example.com"] },
    configurationSet: transactional.configurationSetName,
    verify: { enabled: false },
});

const ops = new sesDomains.EmailAddress("ops", {
    address: "ops@example.com",
    configurationSet: transactional.configurationSetName,
});

const welcome = new sesDomains.Template("welcome", {
    name: "welcome",
    subject: "Welcome, {{name}}",
    text: "Hello {{name}}, welcome aboard.",
    testData: { name: "Ada" },
});

const newsletter = new sesDomains.ContactList("newsletter", {
    name: "newsletter",
    topics: [
        { name: "product-updates", displayName: "Product updates", defaultSubscription: "OPT_IN" },
    ],
});

const alarmTopic = new aws.sns.Topic("alarms");

const alarms = new sesDomains.ReputationAlarms("reputation", {
    snsTopicArn: alarmTopic.arn,
    bounceRate: 0.04,
    complaintRate: 0.001,
});

export const identityArn = example.identityArn;
export const records = example.records;
export const opsIdentityArn = ops.identityArn;
export const welcomeTemplate = welcome.templateName;
export const contactList = newsletter.contactListName;
export const alarmArns = alarms.alarmArns;
