"""The resource graph a stack declares, recorded from the real program under Pulumi's mocks.

Every registered resource by URN (type, name, parent, inputs, dependencies, provider references,
resource options), every read (StackReference), every invoke and the stack's outputs, normalized
so that two runs of the same code give the same JSON:

- a secret is ``{"<secret>": value}``, an unknown is ``"<unknown>"``, a resource reference is
  ``{"<resource>": urn}``; a dynamic provider's pickle is recorded with the classes it names (the
  path Pulumi imports it from when it loads the stack's state);
- moto's random hosted-zone ids read ``<zone-id:NAME>``;
- the RSA keys of the every-option stack are made from a fixed seed (none is stored), and a
  private key reads as its placeholder ``<rsa-private-key:...>``;
- the file and line that declared a resource, and the provider plugin's version, are left out.

tests/fixtures/graphs/<stack>.json hold the graphs recorded from the program before issue 19's
refactoring (``python -m tests.record_graphs``); tests/test_resource_graph.py compares against them.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import pickletools
import random
import re
from pathlib import Path
from typing import Any, Callable, Iterator
from unittest import mock

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.protobuf.json_format import MessageToDict

from tests import dkim_test_keys
from tests.pulumi_program import PROJECT, ProgramRun, RecordingMocks, run_program, stack_config

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "graphs"
STACKS = ("dev", "prod", "every_option")

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"

# Request fields that say nothing about what is deployed: SDK capabilities, where in the source the
# resource was declared, the plugin version, callbacks the mock monitor never runs.
_NOT_RECORDED = {
    "object", "acceptSecrets", "acceptResources", "supportsPartialValues", "supportsResultReporting",
    "sourcePosition", "stackTrace", "parentStackTraceHandle", "version", "pluginDownloadURL", "packageRef",
    "transforms", "hooks", "args",
}
_RECORDED_APART = {"type", "name", "parent", "custom", "dependencies", "propertyDependencies", "provider", "providers"}


# --- deterministic RSA keys ----------------------------------------------------------------------

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def _probably_prime(n: int, rng: random.Random) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(40):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, rng: random.Random) -> int:
    while True:
        candidate = rng.getrandbits(bits) | (0b11 << (bits - 2)) | 1
        if (candidate - 1) % 65537 and _probably_prime(candidate, rng):
            return candidate


def seeded_rsa_key(bits: int, name: str = "") -> rsa.RSAPrivateKey:
    """The same RSA key every run for (bits, name): a test key, never a secret."""
    rng = random.Random(f"ses-domains-graph-key/{bits}/{name}")
    p = _prime(bits // 2, rng)
    q = _prime(bits // 2, rng)
    while q == p:
        q = _prime(bits // 2, rng)
    e = 65537
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, p * q),
    )
    return numbers.private_key()


@contextlib.contextmanager
def seeded_test_keys() -> Iterator[None]:
    with mock.patch.object(dkim_test_keys, "rsa_key", _cached(seeded_rsa_key)):
        yield


def _cached(make: Callable[[int, str], Any]) -> Callable[..., Any]:
    keys: dict[tuple[int, str], Any] = {}

    def get(bits: int, name: str = "") -> Any:
        if (bits, name) not in keys:
            keys[(bits, name)] = make(bits, name)
        return keys[(bits, name)]

    return get


def _private_key_placeholders() -> dict[str, str]:
    """Each private key the every-option stack file names, in each encoding the program may pass it
    on (PEM, base64 DER; PKCS#1, PKCS#8) -> a placeholder naming the key and the encoding (call
    under :func:`seeded_test_keys`)."""
    from tests.every_option import EVERY_OPTION

    found = {}
    for match in re.finditer(r"<rsa-private-key:(\d+)(?::(pkcs1|pkcs8))?(?::([a-z0-9-]+))?>", EVERY_OPTION.read_text()):
        bits, name = int(match.group(1)), match.group(3) or ""
        key = dkim_test_keys.rsa_key(bits, name)
        for fmt, private_format in dkim_test_keys.PRIVATE_FORMATS.items():
            pem = key.private_bytes(serialization.Encoding.PEM, private_format, serialization.NoEncryption()).decode()
            der = key.private_bytes(serialization.Encoding.DER, private_format, serialization.NoEncryption())
            found[pem] = f"<rsa-private-key:{bits}:{name}:{fmt}-pem>"
            found[base64.b64encode(der).decode()] = f"<rsa-private-key:{bits}:{name}:{fmt}-der-base64>"
    return found


# --- running a stack -----------------------------------------------------------------------------


def run_stack(stack: str) -> tuple[ProgramRun, dict[str, str]]:
    """Runs the program for an example stack (``dev``, ``prod``) or the every-option stack; returns
    the run and the private key PEMs it was given (-> their placeholders)."""
    with seeded_test_keys():
        if stack == "every_option":
            from tests.every_option import every_option_config, every_option_mocks

            return run_program(every_option_config(), mocks=every_option_mocks()), _private_key_placeholders()
        return run_program(stack_config(stack), mocks=RecordingMocks(), stack=stack), {}


def graph_of(stack: str) -> dict[str, Any]:
    run, private_keys = run_stack(stack)
    return record(run, private_keys)


def record(run: ProgramRun, private_keys: dict[str, str] | None = None) -> dict[str, Any]:
    monitor = run.monitor
    assert monitor is not None
    replacements = {zone_id: f"<zone-id:{name}>" for name, zone_id in run.zone_ids.items()}
    replacements.update(private_keys or {})
    stack_name = _stack_name(monitor)
    urns = _engine_urns(stack_name, monitor.registrations + monitor.reads)
    replacements.update(urns)
    normal = _Normalizer(replacements)

    resources = {}
    for request in monitor.registrations:
        urn = normal.text(_mock_urn(stack_name, request.parent, request.type, request.name))
        fields = MessageToDict(request, preserving_proto_field_name=True)
        entry: dict[str, Any] = {
            "type": request.type,
            "name": request.name,
            "parent": normal.text(request.parent) or None,
            "custom": bool(request.custom),
            "inputs": normal.value(MessageToDict(request.object)) if request.HasField("object") else {},
            "dependencies": sorted(normal.text(urn) for urn in request.dependencies),
            "propertyDependencies": {
                key: sorted(normal.text(urn) for urn in deps.urns) for key, deps in sorted(request.propertyDependencies.items()) if deps.urns
            },
            "provider": normal.text(request.provider) or None,
            "providers": {k: normal.text(v) for k, v in sorted(request.providers.items())},
            "options": normal.value({k: v for k, v in fields.items() if k not in _NOT_RECORDED | _RECORDED_APART}),
        }
        assert urn not in resources, f"two resources with the URN {urn}"
        resources[urn] = entry

    reads = {}
    for request in monitor.reads:
        urn = normal.text(_mock_urn(stack_name, request.parent, request.type, request.name))
        reads[urn] = {
            "type": request.type, "name": request.name, "id": normal.text(request.id),
            "parent": normal.text(request.parent) or None,
            "inputs": normal.value(MessageToDict(request.properties)) if request.HasField("properties") else {},
            "provider": normal.text(request.provider) or None,
        }

    invokes = sorted(
        (
            {"token": request.tok,
             "args": normal.value(MessageToDict(request.args)) if request.HasField("args") else {},
             "provider": normal.text(request.provider) or None}
            for request in monitor.invokes
        ),
        key=lambda invoke: json.dumps(invoke, sort_keys=True),
    )
    return {
        "resources": dict(sorted(resources.items())),
        "reads": dict(sorted(reads.items())),
        "invokes": invokes,
        "outputs": normal.value(run.outputs),
    }


def _stack_name(monitor: Any) -> str:
    stack_request = next(r for r in monitor.registrations if r.type == "pulumi:pulumi:Stack")
    return stack_request.name.removeprefix(f"{PROJECT}-")


def _mock_urn(stack: str, parent: str, type_: str, name: str) -> str:
    """The URN Pulumi's mock monitor gives: only the parent's own type before the resource's, and
    ``pulumi:pulumi:Stack$`` before a child of the stack (pulumi.runtime.mocks.MockMonitor.make_urn)."""
    if parent:
        type_ = parent.split("::")[2].split("$")[-1] + "$" + type_
    return "urn:pulumi:" + "::".join([stack, PROJECT, type_, name])


def _engine_urns(stack: str, requests: list[Any]) -> dict[str, str]:
    """Mock URN -> the URN the Pulumi engine gives (and a deployed stack's state holds): the whole
    chain of the ancestors' types (the stack's left out) before the resource's type."""
    chains: dict[str, str] = {}
    found = {}
    for request in requests:
        mock_urn = _mock_urn(stack, request.parent, request.type, request.name)
        chain = request.type
        if request.parent and request.parent in chains and chains[request.parent] != "pulumi:pulumi:Stack":
            chain = chains[request.parent] + "$" + request.type
        chains[mock_urn] = chain
        found[mock_urn] = "urn:pulumi:" + "::".join([stack, PROJECT, chain, request.name])
    return found


class _Normalizer:
    def __init__(self, replacements: dict[str, str]):
        # Longest first, so that a key's PEM is replaced whole before anything inside it.
        self.replacements = sorted(replacements.items(), key=lambda item: -len(item[0]))

    def text(self, value: str) -> str:
        for old, new in self.replacements:
            if old and old in value:
                value = value.replace(old, new)
        return value

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return "<unknown>" if value == UNKNOWN else self.text(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            signature = value.get(SIG_KEY)
            if signature == SECRET_SIG:
                return {"<secret>": self.value(value.get("value"))}
            if signature == RESOURCE_SIG:
                return {"<resource>": self.text(value.get("urn", "")), "id": self.value(value.get("id"))}
            if signature == OUTPUT_SIG:
                inner = {"<output>": self.value(value.get("value", UNKNOWN))}
                if value.get("secret"):
                    inner["secret"] = True
                return inner
            if signature in (ASSET_SIG, ARCHIVE_SIG):
                return {"<asset>": self.value({k: v for k, v in value.items() if k != SIG_KEY})}
            normal = {str(k): self.value(v) for k, v in sorted(value.items(), key=lambda item: str(item[0]))}
            if "__provider" in normal and isinstance(normal["__provider"], str):
                normal["__provider"] = _pickled_provider(normal["__provider"])
            return normal
        if isinstance(value, (bool, int)) or value is None:
            return value
        if isinstance(value, float):
            return value
        return self.text(repr(value))


def _pickled_provider(encoded: str) -> Any:
    """A dynamic provider as stored in state: the classes its pickle imports, and the pickle."""
    try:
        data = base64.b64decode(encoded, validate=True)
        names = []
        strings: list[str] = []
        for opcode, arg, _ in pickletools.genops(data):
            if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
                strings.append(arg)
            elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                names.append(f"{strings[-2]}.{strings[-1]}")
            elif opcode.name == "GLOBAL":
                names.append(arg.replace(" ", "."))
    except (binascii.Error, ValueError):
        return encoded
    return {"<pickle>": encoded, "imports": names}


# --- comparing -----------------------------------------------------------------------------------


def fixture_path(stack: str) -> Path:
    return FIXTURES / f"{stack}.json"


def load(stack: str) -> dict[str, Any]:
    return json.loads(fixture_path(stack).read_text())


def dump(graph: dict[str, Any]) -> str:
    return json.dumps(graph, indent=1, sort_keys=True) + "\n"


def differences(recorded: Any, now: Any, path: str = "") -> list[str]:
    """Each place the graph differs from the recording, by path (URN first, then input)."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        found = []
        for key in sorted(set(recorded) | set(now)):
            where = f"{path}[{key!r}]" if path else str(key)
            if key not in now:
                found.append(f"{where}: gone (was {_short(recorded[key])})")
            elif key not in recorded:
                found.append(f"{where}: new ({_short(now[key])})")
            else:
                found.extend(differences(recorded[key], now[key], where))
        return found
    if isinstance(recorded, list) and isinstance(now, list) and len(recorded) == len(now):
        return [d for i, (a, b) in enumerate(zip(recorded, now)) for d in differences(a, b, f"{path}[{i}]")]
    if recorded != now:
        return [f"{path}: was {_short(recorded)}, now {_short(now)}"]
    return []


def _short(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "..."
