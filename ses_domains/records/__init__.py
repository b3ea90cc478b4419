"""Pure functions that compute the DNS records of an SES sending domain (no Pulumi, no I/O)."""
