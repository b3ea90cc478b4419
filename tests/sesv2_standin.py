"""A stand-in SESv2 endpoint on 127.0.0.1 for ``send-test``: GetAccount, GetEmailIdentity, SendEmail.

Each request is mapped to its operation through botocore's SESv2 service model (HTTP method and
``requestUri``), decoded the way REST-JSON encodes it (URI labels, JSON body, blobs in base64),
VALIDATED against the operation's input shape with botocore's ``ParamValidator``, and recorded. An
invalid request, or one for an operation the stand-in does not serve, gets a 400 and lands in
``invalid`` (the fixture fails the test on it). Answers come from the test's state: the account in
the sandbox or not, identities and whether they are verified, templates and configuration sets that
exist. ``SendEmail`` is judged the way SES does: the From address and, in the sandbox, every
recipient must be covered by a verified identity (the address, its domain or a parent domain) or,
for recipients, be the mailbox simulator.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from dataclasses import dataclass, field
from email.utils import parseaddr
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional, Union
from urllib.parse import unquote

import botocore.session
from botocore.validate import ParamValidator

from tests.cli_aws import send_json

SERVED = ("GetAccount", "GetEmailIdentity", "SendEmail")


@dataclass(frozen=True)
class Recorded:
    operation: str
    params: dict[str, Any]
    """The request as boto3's parameters, blobs decoded to bytes."""


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


@dataclass
class Sesv2State:
    production_access: bool = False
    identities: dict[str, Union[bool, str]] = field(default_factory=dict)
    """Identity name -> verified (True/False for SUCCESS/PENDING) or its VerificationStatus."""
    templates: set[str] = field(default_factory=set)
    configuration_sets: set[str] = field(default_factory=set)
    refuse_sends: Optional[Refusal] = None
    """Every SendEmail gets this error (AccountSuspendedException, SendingPausedException...)."""
    silent_on: set[str] = field(default_factory=set)
    """Operations never answered (the connection stays open until the stand-in closes)."""
    region: str = "eu-west-1"


class Sesv2StandIn:
    def __init__(self) -> None:
        self.state = Sesv2State()
        self.requests: list[Recorded] = []
        self.invalid: list[str] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._next_id = 0
        model = botocore.session.get_session().get_service_model("sesv2")
        self._model = model
        self._routes = sorted(
            (_route(model.operation_model(name)) for name in model.operation_names),
            key=lambda route: -route[3],
        )
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                stand_in._handle(self)

            do_POST = do_PUT = do_DELETE = do_PATCH = do_GET  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), name="sesv2-standin", daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def operations(self) -> list[str]:
        with self._lock:
            return [r.operation for r in self.requests]

    def sent(self) -> list[dict[str, Any]]:
        """The parameters of every SendEmail SES received."""
        with self._lock:
            return [r.params for r in self.requests if r.operation == "SendEmail"]

    def close(self) -> None:
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path, _, query = request.path.partition("?")
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        found = self._operation(request.command, path)
        if found is None:
            return self._reject(request, f"no SESv2 operation is {request.command} {path}")
        operation, labels = found
        if operation.name not in SERVED:
            return self._reject(request, f"{operation.name} is not served by the stand-in")
        try:
            params = _decode(operation, labels, body)
        except ValueError as error:
            return self._reject(request, f"{operation.name}: {error}")
        report = ParamValidator().validate(params, operation.input_shape)
        if report.has_errors():
            return self._reject(request, f"{operation.name}: {report.generate_report()}")
        with self._lock:
            self.requests.append(Recorded(operation.name, params))
        if operation.name in self.state.silent_on:
            self._stopped.wait()
            return
        status, answer, error_code = getattr(self, f"_{operation.name}")(params)
        if error_code is None:
            output = ParamValidator().validate(answer, operation.output_shape)
            assert not output.has_errors(), output.generate_report()
        send_json(request, status, answer, error_code)

    def _operation(self, method: str, path: str):
        for route_method, pattern, operation, _ in self._routes:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                return operation, {name: unquote(value) for name, value in match.groupdict().items()}
        return None

    def _reject(self, request: BaseHTTPRequestHandler, why: str) -> None:
        with self._lock:
            self.invalid.append(why)
        send_json(request, 400, {"message": why}, "BadRequestException")

    def _GetAccount(self, params: dict[str, Any]):  # noqa: N802
        production = self.state.production_access
        return 200, {
            "DedicatedIpAutoWarmupEnabled": True,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": production,
            "SendQuota": {"Max24HourSend": 50000.0 if production else 200.0,
                          "MaxSendRate": 14.0 if production else 1.0, "SentLast24Hours": 3.0},
            "SendingEnabled": True,
        }, None

    def _GetEmailIdentity(self, params: dict[str, Any]):  # noqa: N802
        name = params["EmailIdentity"]
        status = self._status(name)
        if status is None:
            return 404, {"message": f"Email identity {name} does not exist."}, "NotFoundException"
        verified = status == "SUCCESS"
        answer: dict[str, Any] = {
            "IdentityType": "EMAIL_ADDRESS" if "@" in name else "DOMAIN",
            "FeedbackForwardingStatus": True,
            "VerifiedForSendingStatus": verified,
            "VerificationStatus": status,
        }
        if "@" not in name:
            answer["DkimAttributes"] = {"SigningEnabled": True, "Status": status, "Tokens": ["a" * 32, "b" * 32, "c" * 32]}
        return 200, answer, None

    def _SendEmail(self, params: dict[str, Any]):  # noqa: N802
        state = self.state
        if state.refuse_sends is not None:
            refusal = state.refuse_sends
            return refusal.status, {"message": refusal.message}, refusal.code
        unverified = [] if self._covered(parseaddr(params["FromEmailAddress"])[1]) else [params["FromEmailAddress"]]
        if not state.production_access:
            unverified += [to for to in params.get("Destination", {}).get("ToAddresses", [])
                           if not self._covered(parseaddr(to)[1]) and not to.endswith("@simulator.amazonses.com")]
        if unverified:
            return 400, {
                "message": "Email address is not verified. The following identities failed the check in region "
                f"{state.region.upper()}: {', '.join(unverified)}"
            }, "MessageRejected"
        template = params["Content"].get("Template")
        if template is not None and template["TemplateName"] not in state.templates:
            return 404, {"message": f"Template {template['TemplateName']} does not exist."}, "NotFoundException"
        configuration_set = params.get("ConfigurationSetName")
        if configuration_set is not None and configuration_set not in state.configuration_sets:
            return 404, {"message": f"Configuration set <{configuration_set}> does not exist."}, "NotFoundException"
        with self._lock:
            self._next_id += 1
            number = self._next_id
        return 200, {"MessageId": f"0102019a-standin-{number:04d}-000000"}, None

    def _covered(self, address: str) -> bool:
        """SES's rule, written here on its own: the address, its domain or a parent domain verified."""
        local, _, domain = address.rpartition("@")
        labels = domain.lower().split(".")
        names = [f"{local}@{domain.lower()}"] + [".".join(labels[i:]) for i in range(len(labels) - 1)]
        return any(self._status(name) == "SUCCESS" for name in names)

    def _status(self, name: str) -> Optional[str]:
        state = self.state.identities.get(name)
        if isinstance(state, bool):
            return "SUCCESS" if state else "PENDING"
        return state


def _route(operation: Any) -> tuple[str, re.Pattern[str], Any, int]:
    uri = operation.http["requestUri"]
    pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(uri).replace(r"\{", "{").replace(r"\}", "}"))
    literal = len(re.sub(r"\{\w+\}", "", uri))
    return operation.http["method"], re.compile(pattern), operation, literal


def _decode(operation: Any, labels: dict[str, str], body: bytes) -> dict[str, Any]:
    """The request's parameters as boto3 takes them: URI labels, then the JSON body."""
    shape = operation.input_shape
    params: dict[str, Any] = {}
    if body:
        try:
            document = json.loads(body)
        except json.JSONDecodeError as error:
            raise ValueError(f"the body is not JSON: {error}") from None
        if not isinstance(document, dict):
            raise ValueError("the body is not a JSON object")
        params.update(_decode_value(shape, document, ""))
    for name, member in (shape.members.items() if shape is not None else ()):
        if member.serialization.get("location") == "uri":
            params[name] = labels[member.serialization.get("name", name)]
    return params


def _decode_value(shape: Any, value: Any, path: str) -> Any:
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members
        return {key: _decode_value(members[key], item, f"{path}.{key}") if key in members else item
                for key, item in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [_decode_value(shape.member, item, f"{path}[]") for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: _decode_value(shape.value, item, f"{path}.{key}") for key, item in value.items()}
    if shape.type_name == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error:
            raise ValueError(f"{path.lstrip('.')} is a blob but not base64") from None
    return value
