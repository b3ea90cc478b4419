"""The IAM permissions a deployment of a stack needs: the per-type table, and the stack's policy.

Pure: no Pulumi and no AWS SDK. The command (``ses-domains iam-policy``) resolves the account and
the hosted zones and renders the policy as JSON.
"""
