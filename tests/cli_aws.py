"""AWS for the command's tests, all on loopback: a stand-in SESv2 over HTTP (reached through
``AWS_ENDPOINT_URL_SESV2``, so the real boto3 client, its parser and its timeouts are used) and
moto's server for Route 53 (``AWS_ENDPOINT_URL_ROUTE_53``).

The stand-in answers ``GetEmailIdentity`` from scripts of ``tests.fake_ses.SesState`` (the last
state of a script repeats) with bodies built by ``tests.fake_ses.build_response`` and checked
against the SESv2 model's enums; an unscripted identity gets SES's ``NotFoundException``.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import botocore.session

from tests.fake_ses import SesState, build_response, check_enums

_IDENTITY_PATH = "/v2/email/identities/"


class SesStandIn:
    """``throttle_next``: that many of the next requests get SES's 429 TooManyRequestsException
    (``throttled`` counts them); ``rate_limit_per_s``: as SES does, requests beyond that rate (a
    bucket of one second's worth) are throttled."""

    def __init__(self, address: str = "127.0.0.1"):
        self.scripts: dict[str, list[tuple[SesState, str | None]]] = {}
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.throttle_next = 0
        self.throttled = 0
        self.rate_limit_per_s: float | None = None
        self._allowance = 0.0
        self._allowance_at = 0.0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                stand_in._answer(self)

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                stand_in._answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        model = botocore.session.get_session().get_service_model("sesv2")
        self.output_shape = model.operation_model("GetEmailIdentity").output_shape

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, domain: str, *states: SesState, mail_from_domain: str | None = None,
               configuration_set: str | None = "default") -> None:
        with self.lock:
            self.scripts[domain] = [(state, mail_from_domain, configuration_set) for state in states]

    def reset(self) -> None:
        with self.lock:
            self.scripts.clear()
            self.requests.clear()
            self.throttle_next = self.throttled = 0
            self.rate_limit_per_s = None

    def limit_rate(self, per_s: float) -> None:
        with self.lock:
            self.rate_limit_per_s = per_s
            self._allowance, self._allowance_at = per_s, time.monotonic()

    def refused_as_throttled(self, request: BaseHTTPRequestHandler) -> bool:
        """Whether this request is throttled (and answered so); call with the lock not held."""
        with self.lock:
            throttle = self.throttle_next > 0
            if throttle:
                self.throttle_next -= 1
            elif self.rate_limit_per_s is not None:
                now = time.monotonic()
                rate = self.rate_limit_per_s
                self._allowance = min(rate, self._allowance + (now - self._allowance_at) * rate)
                self._allowance_at = now
                throttle = self._allowance < 1
                if not throttle:
                    self._allowance -= 1
            if throttle:
                self.throttled += 1
        if throttle:
            self._send(request, 429, {"message": "Too many requests."}, "TooManyRequestsException")
        return throttle

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        if not path.startswith(_IDENTITY_PATH):
            return self._send(request, 404, {"message": f"no route {path}"}, "NotFoundException")
        if self.refused_as_throttled(request):
            return
        domain = unquote(path[len(_IDENTITY_PATH):])
        with self.lock:
            self.requests.append(domain)
            script = self.scripts.get(domain)
            step = (script.pop(0) if len(script) > 1 else script[0]) if script else None
        if step is None:
            return self._send(request, 404, {"message": f"Email identity {domain} not found"}, "NotFoundException")
        state, mail_from_domain, configuration_set = step
        body = build_response(domain, state, mail_from_domain=mail_from_domain, configuration_set=configuration_set)
        check_enums(self.output_shape, body)
        self._send(request, 200, _epoch_times(body))

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: dict, error_type: str | None = None) -> None:
        send_json(request, status, body, error_type)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send_json(request: BaseHTTPRequestHandler, status: int, body: dict, error_type: str | None = None) -> None:
    """One REST-JSON answer as AWS sends it: an error names its type in ``x-amzn-ErrorType``."""
    data = json.dumps(body).encode()
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(data)))
    if error_type:
        request.send_header("x-amzn-ErrorType", error_type)
    request.end_headers()
    request.wfile.write(data)


def _epoch_times(value: Any) -> Any:
    """REST-JSON sends timestamps as seconds since the epoch."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _epoch_times(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_epoch_times(v) for v in value]
    return value


def aws_environment(ses_url: str, route53_url: str | None = None, *, credentials: bool = True) -> dict[str, str]:
    """Environment for the command: only loopback endpoints, no shared files, no instance metadata."""
    env = {
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_SESV2": ses_url,
        "AWS_ENDPOINT_URL_ROUTE_53": route53_url or "http://127.0.0.1:9",
        # moto serves CloudWatch too (check reads the account's reputation rates)
        "AWS_ENDPOINT_URL_CLOUDWATCH": route53_url or "http://127.0.0.1:9",
        "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9",
    }
    if credentials:
        env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    return env


AWS_VARIABLES_TO_CLEAR = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "NO_COLOR",
)
