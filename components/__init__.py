"""Where the first version kept the program. Only ``components.domain_verification`` remains:
stacks created by that version store its provider class by this path in their state."""
