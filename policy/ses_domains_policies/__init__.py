"""The ses-domains policy pack's policies and the pure logic they need.

The pack runs in its own virtualenv (policy/requirements.txt), so nothing here imports the
``ses_domains`` package: what the pack must understand of a record value is written here.
"""
