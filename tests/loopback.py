"""Real servers on 127.0.0.1 for the reminder channels: a web push service that decrypts what it gets
(as a phone would), an SMS gateway and an SMTP server. No mock objects: the worker talks to these over
sockets exactly as it talks to the real ones. bench/dispatch.py uses the push service too."""

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from time_machine import escape_hatch


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_bytes(key) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def phone_keys():
    """What a browser makes when it subscribes: a P-256 key pair and an auth secret (and their JSON form)."""
    key, auth = ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    return key, auth, {"p256dh": b64u(public_bytes(key.public_key())), "auth": b64u(auth)}


class _Server:
    """A threaded HTTP/1.1 server (keep-alive, as push services and gateways are) on a free port."""

    def __init__(self, handle):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = handle(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name=type(owner).__name__, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class PushService(_Server):
    """A push service: one endpoint per subscription, each message decrypted with that 'phone's' keys.

    `messages` holds (endpoint path, lower-cased headers, decrypted JSON payload); `by_reminder` counts
    payloads per reminder id. `status` is the answer (201); `answers[path]` overrides it per endpoint.
    """

    def __init__(self, status: int = 201, delay: float = 0.0):
        self.status, self.delay = status, delay
        self.answers: dict[str, int] = {}
        self.keys: dict[str, tuple] = {}
        self.messages: list[tuple[str, dict, dict]] = []
        self.by_reminder: Counter = Counter()
        self.undecryptable = 0
        self.lock = threading.Lock()
        super().__init__(self._handle)

    def subscription(self, status: int | None = None) -> dict:
        """A new 'phone': its private key stays here, the subscription (endpoint + keys) goes to the app."""
        path = f"/wpush/{uuid.uuid4().hex}"
        key, auth, keys = phone_keys()
        self.keys[path] = (key, auth)
        if status is not None:
            self.answers[path] = status
        return {"endpoint": self.url + path, "keys": keys}

    def _handle(self, path, headers, body):
        if self.delay:
            time.sleep(self.delay)
        status = self.answers.get(path, self.status)
        if status >= 300:
            return status
        key, auth = self.keys[path]
        try:
            payload = json.loads(http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm"))
        except Exception:  # counted, and the test fails on it
            with self.lock:
                self.undecryptable += 1
            return 400
        with self.lock:
            self.messages.append((path, headers, payload))
            self.by_reminder[payload.get("id")] += 1
        return status

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


class SmsGateway(_Server):
    """A generic JSON SMS gateway: keeps each POST's headers and JSON body."""

    def __init__(self, status: int = 202):
        self.status = status
        self.received: list[tuple[dict, dict]] = []
        super().__init__(self._handle)

    def _handle(self, path, headers, body):
        self.received.append((headers, json.loads(body)))
        return self.status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """aiosmtpd on loopback, keeping every message it accepts (envelope and parsed message)."""

    def __init__(self):
        from email import message_from_bytes, policy

        from aiosmtpd.controller import Controller

        self.received = []
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.received.append((envelope, message_from_bytes(envelope.content, policy=policy.default)))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self):
        self.controller.stop()


def worker(database_url: str, vapid_private: str, vapid_public: str, *args: str, **env) -> subprocess.Popen:
    """A real `flask reminders ...` process against this database (its output: .stdout, as text)."""
    environment = {**os.environ, "DATABASE_URL": database_url, "VAPID_PRIVATE_KEY": vapid_private,
                   "VAPID_PUBLIC_KEY": vapid_public, **{k: str(v) for k, v in env.items()}}
    # Under a test's frozen clock its clock starts where the test's stands (tests/clocked.py), so what is
    # due for the test is due for the worker; the bench runs it on the real clock.
    travelling = escape_hatch.is_travelling()
    clocked = ["-m", "tests.clocked", datetime.now(UTC).isoformat()] if travelling else ["-m", "flask"]
    return subprocess.Popen([sys.executable, *clocked, "--app", "webapp", "reminders", *args],  # noqa: S603
                            cwd=Path(__file__).resolve().parent.parent, env=environment, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
