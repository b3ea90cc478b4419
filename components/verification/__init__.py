"""Waiting for an SES sending domain to be verified: DNS propagation, then SES status."""
