"""ses-domains: Amazon SES sending domains as code, verified end to end.

The layout is the architecture:

- ``records``: the record model, pure (no I/O, no Pulumi): what each DNS record is and how it
  is rendered, parsed, compared and written to Route 53.
- ``config``: the stack config, read into frozen specs (no Pulumi): every mistake under its key.
- ``engine``: talks to DNS and SES (no Pulumi): waits until a domain is verified, or checks once.
- ``deploy``: the Pulumi side: components, zone lookups, the verification step.
- ``cli``: the ``ses-domains`` command.
"""
