"""ses-domains: SES sending domains declared, published in Route 53 and verified, as code."""
