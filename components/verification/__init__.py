"""Waiting for an SES sending domain to be verified: DNS propagation, then SES status.

The DNS half is plain Python (no Pulumi imports): ``dns_wait`` is the entry point,
``dns_query`` the concurrent transport, ``dns_check`` the pure comparison of answers
to expected records, ``nameservers`` the parsing and one-time resolution of servers.
"""
