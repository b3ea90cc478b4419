"""The email addresses in the verification step: their props, which to read again, and the reads.

The verification resource holds the stack's addresses under ``addresses`` (address -> the job's
props) and their results under ``addressResults``, both only when the stack has addresses, so a
stack without any stores exactly what it stored before (and old stacks' state, which has neither
key, reads as no addresses). An address waited for (``wait: true``) fails the update when it is
not verified in time; any other is reported (verified, or waiting for its owner's click) and
never holds or fails ``pulumi up``.

Cheap to import: the address jobs and the engine's SES side are imported only when used (a stack
without addresses needs neither).
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, TypeVar

if TYPE_CHECKING:
    from ses_domains.engine.address_job import AddressJob, AddressResult

ADDRESSES = "addresses"
RESULTS = "addressResults"

T = TypeVar("T")


def address_jobs_of(props: Mapping[str, Any]) -> dict[str, AddressJob]:
    from ses_domains.engine.address_job import AddressJob

    return {address: AddressJob.from_props(address, entry) for address, entry in (props.get(ADDRESSES) or {}).items()}


def address_results_of(props: Mapping[str, Any]) -> dict[str, AddressResult]:
    from ses_domains.engine.address_job import AddressResult

    return {address: AddressResult.from_props(address, entry)
            for address, entry in (props.get(RESULTS) or {}).items()}


def addresses_changed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether the step must run again for its addresses: one added or removed, or one to read
    again (:func:`addresses_to_read`) that is waited for. An address that is only reported does
    not make a change of its own: ``pulumi refresh`` reads it again."""
    if set(address_jobs_of(olds)) != set(address_jobs_of(news)):
        return True
    return bool(addresses_to_read(olds, news, waited_only=True))


def addresses_to_read(olds: Mapping[str, Any], news: Mapping[str, Any], *, waited_only: bool = False) -> list[str]:
    """Addresses of ``news`` that are new, now waited for, not verified, or all of them when the
    AWS settings changed (``waited_only``: leave out the unverified that are only reported)."""
    old_jobs, old_results = address_jobs_of(olds), address_results_of(olds)
    same_account = olds.get("aws") == news.get("aws")
    chosen = []
    for address, job in address_jobs_of(news).items():
        old = old_jobs.get(address)
        verified = address in old_results and old_results[address].verified
        if not same_account or old is None or (job.wait and not old.wait and not verified):
            chosen.append(address)
        elif not verified and (job.wait or not waited_only):
            chosen.append(address)
    return sorted(chosen)


def verify_addresses(props: Mapping[str, Any], addresses: list[str], kept: Mapping[str, dict]) -> tuple[dict, list[str]]:
    """Results for ``addresses`` read now (waited for when their job says so), beside ``kept``
    ones; and why each waited-for address is not verified."""
    results = dict(kept)
    if not addresses:
        return results, []
    jobs = address_jobs_of(props)
    from ses_domains.engine.email_address import run_addresses

    previous = address_results_of(props)
    outcomes = run_addresses([jobs[a] for a in addresses], _reader(props),
                             {a: r for a, r in previous.items() if a in addresses}, on_answer=_print)
    results.update({o.address: o.to_props() for o in outcomes})
    failures = [f"- {o.address}: {o.message}" for o in outcomes if jobs[o.address].wait and not o.verified]
    return results, failures


def refresh_addresses(props: Mapping[str, Any]) -> dict:
    """One look at every address (waited for or not); SES that cannot be asked leaves a result as
    the look before found it, marked ``unchecked``."""
    jobs = address_jobs_of(props)
    if not jobs:
        return {}
    from ses_domains.engine.email_address import run_addresses

    looked = run_addresses(list(jobs.values()), _reader(props), address_results_of(props), wait=False)
    return {result.address: result.to_props() for result in looked}


def alongside(verify_domains: Callable[[], T], props: Mapping[str, Any], addresses: list[str],
              kept: Mapping[str, dict], failure: Callable[[str], Exception]) -> tuple[T, dict]:
    """The domains' verification (``verify_domains``, which raises ``failure``'s type when one
    fails) and the addresses' at the same time, so a stack waits as long as the slowest; raises
    ``failure(message)`` naming every domain and waited-for address that did not verify."""
    if not addresses:
        return verify_domains(), dict(kept)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ses-addresses") as pool:
        pending: Future = pool.submit(verify_addresses, props, addresses, kept)
        domain_error: Optional[Exception] = None
        domain_results: Any = None
        try:
            domain_results = verify_domains()
        except Exception as error:  # noqa: BLE001 - reported with the addresses' outcome below
            domain_error = error
        address_results, failures = pending.result()
    if domain_error is not None and not failures:
        raise domain_error
    if failures:
        lines = [str(domain_error)] if domain_error is not None else []
        lines.append(f"{len(failures)} email address(es) not verified:\n" + "\n".join(failures))
        raise failure("\n".join(lines))
    return domain_results, address_results


def _reader(props: Mapping[str, Any]):
    """SES in the stack's region, through the provider's one seam (``provider_ops.ses_reader``)."""
    from ses_domains.deploy import provider_ops
    from ses_domains.engine.ses.client import AwsSettings

    aws = props.get("aws") or {}
    return provider_ops.ses_reader(AwsSettings(region=aws.get("region"), profile=aws.get("profile")))


def _print(result: AddressResult) -> None:
    """The Pulumi engine shows a dynamic provider's stdout lines in ``pulumi up``'s output."""
    print(f"ses-domains verify: {result.address}: {result.message}", file=sys.stdout, flush=True)
