"""The path stacks created before the ``ses_domains`` package stored their verification provider
under (``components.domain_verification.VerificationProvider``, pickled by reference): Pulumi
loads it from here for their refresh, update and destroy. Never remove or rename it."""

from ses_domains.deploy.verification import VerificationProvider

__all__ = ["VerificationProvider"]
