"""The verification resource's props, read into the engine's types, and which domains need
verifying again. Cheap to import: the provider's ``diff`` runs in the program's preview."""

from __future__ import annotations

from typing import Any, Mapping

from ses_domains.engine.job import DomainResult, VerificationJob


def jobs_of(props: Mapping[str, Any]) -> dict[str, VerificationJob]:
    return {domain: VerificationJob.from_props(domain, entry) for domain, entry in (props.get("domains") or {}).items()}


def results_of(props: Mapping[str, Any]) -> dict[str, DomainResult]:
    return {domain: DomainResult.from_props(domain, entry) for domain, entry in (props.get("results") or {}).items()}


def domains_to_verify(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Domains of ``news`` that are new, whose checked input changed, that were not verified
    (or whose refresh found them regressed), or all of them when the AWS settings changed.

    A domain a refresh could not check keeps the verified state it had: an unreachable server
    is not drift."""
    old_jobs, old_results = jobs_of(olds), results_of(olds)
    same_account = olds.get("aws") == news.get("aws")
    return sorted(
        domain
        for domain, job in jobs_of(news).items()
        if not same_account
        or domain not in old_jobs
        or old_jobs[domain].checked() != job.checked()
        or not (domain in old_results and old_results[domain].verified)
    )
