"""The ``ses-domains`` command (placeholder entry point replaced by the command's own module)."""
