"""ses-domains: SES sending domains, their DNS records in Route 53, per stack.

Run by Pulumi as this project's program (the stack config in, components declared); started by
the engine as the ``ses-domains`` component package's provider (``PulumiPlugin.yaml``, with the
engine's address as argument), it serves the public components to programs in any language.
"""

import sys

from ses_domains.provider import started_as_provider

if started_as_provider(sys.argv[1:]):
    from ses_domains.provider import serve

    serve(sys.argv[1:])
else:
    from ses_domains.deploy.program import main

    main()
