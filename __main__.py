"""ses-domains: SES sending domains, their DNS records in Route 53, per stack."""

from ses_domains.deploy.program import main

main()
