#!/usr/bin/python3
"""A local JumpServer API emulator for tests.

It reproduces the authentication behaviour described in docs/guides/jumpserver.md:

* Access keys: ``Authorization: Signature keyId=…,algorithm=…,headers=…,signature=…`` verified with the
  Python ``httpsig`` package (Debian ``python3-httpsig``) the way JumpServer does it: a ``HeaderVerifier``
  with ``required_headers=["(request-target)", "date"]``, the lower-cased method and the full path with
  its query, over headers rebuilt from a Django-style ``META`` dict with the ``key[5:]`` quirk (so a signed
  ``content-type`` or ``content-length`` is "missing" and the request fails with 500).
* Django's ``APPEND_SLASH``: an API path without its trailing slash is answered with a 301 to the path
  plus ``/`` (query kept), before any authentication.
* Token login, v2+ (``/api/v1/authentication/auth/`` with the ``jms_sessionid`` cookie MFA flow) and
  v1 (``/api/v1/users/auth/`` answering HTTP 300 with a seed, then ``/api/v1/users/otp/auth/``).
* ``Authorization: Bearer <token>`` (expiring) and ``Authorization: Token <private token>``.
* Organisations through ``X-JMS-ORG`` (or ``?oid=``), 403 when unknown or not allowed.
* A paginated asset list (``limit``/``offset`` with absolute ``next``/``previous`` links).
* ``ANY /api/v1/echo/<anything>/`` answering what it received, for signature tests.
* Test hooks under ``/__emulator__/``: inject failures, read the request log, reset.

Run it with ``/usr/bin/python3 jumpserver_emulator.py --port 0``; when ready it prints exactly one line
``JUMPSERVER_EMULATOR_LISTENING http://127.0.0.1:<port>`` on stdout. Only the standard library and
``python3-httpsig`` are used. It listens on loopback only by default and is meant for tests, never for
production.
"""

import argparse
import base64
import hashlib
import hmac
import json
import secrets
import struct
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

try:
    from httpsig.verify import HeaderVerifier
except ImportError:  # pragma: no cover - reported to the user who started us
    sys.stderr.write(
        "jumpserver_emulator: the Python 'httpsig' package is missing. Install Debian's python3-httpsig and run "
        "this file with /usr/bin/python3 (or set HTTPSIG_PYTHON to an interpreter that has httpsig).\n")
    sys.exit(3)

READY_PREFIX = "JUMPSERVER_EMULATOR_LISTENING"

DEFAULT_KEY_ID = "b5fd8a7c-1111-4e6b-9a1f-0123456789ab"
DEFAULT_KEY_SECRET = "jms-test-secret-0123456789abcdefghij"
# A second key, for a user who is not a member of every organisation.
ALICE_KEY_ID = "a11ce000-2222-4e6b-9a1f-0123456789ab"
ALICE_KEY_SECRET = "alice-secret-0123456789abcdefghijkl"

ORG_ROOT = "00000000-0000-0000-0000-000000000000"
ORG_DEFAULT = "00000000-0000-0000-0000-000000000002"
ORG_SYSTEM = "00000000-0000-0000-0000-000000000004"
ORG_ENGINEERING = "7d4f2c1e-3b5a-4c6d-8e9f-0a1b2c3d4e5f"

ORGS = {
    ORG_ROOT: "GLOBAL",
    ORG_DEFAULT: "Default",
    ORG_SYSTEM: "SYSTEM",
    ORG_ENGINEERING: "Engineering",
}

# TOTP secret of the default MFA users: base32 of 10 bytes, like JumpServer's.
DEFAULT_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
DEFAULT_PRIVATE_TOKEN = "937b38011acf499eb474e2fecb424ab3"

SESSION_COOKIE = "jms_sessionid"
SESSION_TTL = 600
SEED_TTL = 300
TOTP_WINDOW = 2

INVALID_SIGNATURE = {"detail": "Invalid signature.", "code": "authentication_failed"}
NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}
INVALID_TOKEN = {"detail": "Invalid token header. Sign string should not contain spaces or invalid token.",
                 "code": "authentication_failed"}
EXPIRED_TOKEN = {"detail": "Token is invalid or expired.", "code": "authentication_failed"}
PERMISSION_DENIED = {"detail": "You do not have permission to perform this action.", "code": "permission_denied"}


# --------------------------------------------------------------------------------------------------
# TOTP, RFC 6238 (30 s step, HMAC-SHA1 by default), accepted within +-2 steps like JumpServer.
# --------------------------------------------------------------------------------------------------

def _b32decode(secret):
    clean = secret.replace(" ", "").upper()
    return base64.b32decode(clean + "=" * (-len(clean) % 8))


def totp_at(secret, counter, algorithm="sha1", digits=6):
    digest = hmac.new(_b32decode(secret), struct.pack(">Q", counter), getattr(hashlib, algorithm)).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % (10 ** digits)).zfill(digits)


def totp_check(secret, code, algorithm="sha1", digits=6, period=30, now=None):
    if not isinstance(code, str) or len(code) != digits or not code.isdigit():
        return False
    counter = int((time.time() if now is None else now) // period)
    ok = False
    for delta in range(-TOTP_WINDOW, TOTP_WINDOW + 1):
        if hmac.compare_digest(totp_at(secret, counter + delta, algorithm, digits), code):
            ok = True
    return ok


# --------------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------------

class User:
    def __init__(self, username, password, mfa=None, orgs=None, superuser=False, mfa_enabled=None):
        self.id = str(uuid.uuid5(uuid.NAMESPACE_URL, "jumpserver-emulator:" + username))
        self.username = username
        self.password = password
        self.mfa = mfa  # None or {"secret", "algorithm", "digits"}
        self.mfa_enabled = mfa is not None if mfa_enabled is None else mfa_enabled
        self.orgs = set(orgs or [ORG_DEFAULT])
        self.superuser = superuser

    def public(self):
        return {
            "id": self.id,
            "name": self.username.capitalize(),
            "username": self.username,
            "email": self.username + "@example.test",
            "is_superuser": self.superuser,
            "mfa_enabled": self.mfa_enabled,
            "orgs": sorted(self.orgs),
        }


class State:
    def __init__(self, token_ttl):
        self.lock = threading.Lock()
        self.token_ttl = token_ttl
        self.users = {}
        self.access_keys = {}  # id -> (secret, username)
        self.private_tokens = {}  # token -> username
        self.tokens = {}  # token -> (username, expires_at)
        self.sessions = {}  # session id -> {"username", "password_ok", "mfa_ok", "expires"}
        self.seeds = {}  # seed -> (username, expires_at)
        self.failures = []  # [{"status", "count", "prefix", "method"}]
        self.log = []
        self.assets = {}
        for org, count, prefix in ((ORG_DEFAULT, 7, "web"), (ORG_ENGINEERING, 3, "build")):
            self.assets[org] = [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "asset:%s:%d" % (org, i))),
                    "name": "%s-%02d" % (prefix, i),
                    "address": "10.0.%d.%d" % (0 if org == ORG_DEFAULT else 1, i),
                    "platform": {"id": 1, "name": "Linux"},
                    "org_id": org,
                    "org_name": ORGS[org],
                    "is_active": True,
                }
                for i in range(1, count + 1)
            ]

    def add_user(self, user):
        self.users[user.username] = user

    def issue_token(self, username):
        token = secrets.token_hex(16)
        expires = time.time() + self.token_ttl
        with self.lock:
            self.tokens[token] = (username, expires)
        return token, expires

    def new_session(self, data):
        sid = secrets.token_hex(16)
        data["expires"] = time.time() + SESSION_TTL
        with self.lock:
            self.sessions[sid] = data
        return sid

    def session(self, sid):
        with self.lock:
            data = self.sessions.get(sid) if sid else None
            if data is not None and data["expires"] < time.time():
                del self.sessions[sid]
                data = None
            return data

    def take_failure(self, method, path):
        with self.lock:
            for failure in self.failures:
                if failure["count"] <= 0:
                    continue
                if not path.startswith(failure["prefix"]):
                    continue
                if failure["method"] and failure["method"] != method:
                    continue
                failure["count"] -= 1
                return failure["status"]
            return None


def format_expiry(ts):
    return time.strftime("%Y/%m/%d %H:%M:%S +0000", time.gmtime(ts))


# --------------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------------

class Reply(Exception):
    """Raised by route code to answer immediately."""

    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "jms_emulator"

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - quiet by default
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    # Every method goes through one dispatcher.
    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # ---- request helpers -----------------------------------------------------------------------

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline(65537).strip()
                size = int(line.split(b";", 1)[0] or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def build_meta(self):
        """Django's request.META for the received headers (CONTENT_TYPE/LENGTH without HTTP_)."""
        meta = {}
        for name, value in self.headers.items():
            if "_" in name:
                continue  # like Django's WSGI handler: headers with underscores are dropped
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            meta[key] = meta[key] + "," + value if key in meta else value
        return meta

    def signature_headers(self, meta):
        """Headers as JumpServer hands them to HeaderVerifier: ``key[5:]`` over META, lower-cased, '-'."""
        headers = {}
        for key, value in meta.items():
            if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                headers[key[5:].replace("_", "-").lower()] = value
        return headers

    def reply(self, status, body, headers=None):
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            payload = body.encode("utf-8")
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
        else:
            payload = body or b""
        # Logged before the answer is written, so a client reading the log right after sees this request.
        state = self.server.state
        if not self.path.startswith("/__emulator__/"):
            with state.lock:
                if len(state.log) >= 1000:
                    del state.log[:100]
                state.log.append({
                    "method": self.command,
                    "path": self.path,
                    "status": status,
                    "authorization": (self.headers.get("Authorization") or "").split(" ", 1)[0],
                    "org": self.headers.get("X-JMS-ORG"),
                })
        self.send_response(status)
        for name, value in headers.items():
            if isinstance(value, list):
                for item in value:
                    self.send_header(name, item)
            else:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    # ---- dispatch --------------------------------------------------------------------------------

    def dispatch(self):
        state = self.server.state
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self.reply(400, {"detail": "Malformed request body."})
            return
        full_path = self.path
        split = urlsplit(full_path)
        path = split.path
        query = parse_qs(split.query, keep_blank_values=True)
        try:
            if path.startswith("/__emulator__/"):
                self.control(path, body)
                return
            injected = state.take_failure(self.command, path)
            if injected is not None:
                raise Reply(injected, {"detail": "Injected failure %d." % injected},
                            {"Retry-After": "0"} if injected in (429, 503) else None)
            if not path.endswith("/"):
                # Django CommonMiddleware (APPEND_SLASH): permanent redirect, before authentication.
                location = path + "/" + ("?" + split.query if split.query else "")
                raise Reply(301, b"", {"Location": location, "Content-Type": "text/html; charset=utf-8"})
            self.route(path, full_path, query, body)
        except Reply as r:
            self.reply(r.status, r.body, r.headers)
        except Exception as exc:  # what Django does with an uncaught exception when DEBUG is off
            if self.server.verbose:
                sys.stderr.write("jumpserver_emulator: 500 %s: %r\n" % (type(exc).__name__, exc))
            self.reply(500, "<h1>Server Error (500)</h1>")

    def json_body(self, body):
        if not body:
            return {}
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        text = body.decode("utf-8", "replace")
        if ctype == "application/x-www-form-urlencoded":
            return {k: v[-1] for k, v in parse_qs(text).items()}
        try:
            data = json.loads(text)
        except ValueError:
            raise Reply(400, {"detail": "JSON parse error."})
        if not isinstance(data, dict):
            raise Reply(400, {"detail": "Invalid data. Expected a dictionary."})
        return data

    def route(self, path, full_path, query, body):
        method = self.command
        if path in ("/api/v1/authentication/auth/", "/api/v1/authentication/tokens/"):
            self.require_method(method, "POST")
            self.login_v2(self.json_body(body))
        if path == "/api/v1/authentication/mfa/challenge/":
            self.require_method(method, "POST")
            self.mfa_challenge(self.json_body(body))
        if path == "/api/v1/users/auth/":
            self.require_method(method, "POST")
            self.login_v1(self.json_body(body))
        if path == "/api/v1/users/otp/auth/":
            self.require_method(method, "POST")
            self.otp_v1(self.json_body(body))

        user = self.authenticate(full_path)
        if path.startswith("/api/v1/echo/"):
            raise Reply(200, {
                "method": method,
                "path": path,
                "query": urlsplit(full_path).query,
                "headers": {name.lower(): value for name, value in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "user": user.username,
            })
        org = self.current_org(user, query)
        if path == "/api/v1/users/profile/":
            self.require_method(method, "GET")
            raise Reply(200, user.public())
        if path == "/api/v1/orgs/orgs/":
            self.require_method(method, "GET")
            visible = sorted(ORGS) if user.superuser else sorted(user.orgs)
            raise Reply(200, [{"id": o, "name": ORGS[o]} for o in visible])
        if path == "/api/v1/assets/assets/":
            if method == "POST":
                data = self.json_body(body)
                name = data.get("name")
                if not isinstance(name, str) or not name:
                    raise Reply(400, {"name": ["This field is required."]})
                target = ORG_DEFAULT if org == ORG_ROOT else org
                asset = {
                    "id": str(uuid.uuid4()), "name": name, "address": str(data.get("address", "")),
                    "platform": {"id": 1, "name": "Linux"}, "org_id": target, "org_name": ORGS[target],
                    "is_active": True,
                }
                with self.server.state.lock:
                    self.server.state.assets.setdefault(target, []).append(asset)
                raise Reply(201, asset)
            self.require_method(method, "GET")
            self.asset_list(org, query)
        raise Reply(404, {"detail": "Not found."})

    @staticmethod
    def require_method(method, *allowed):
        if method not in allowed:
            raise Reply(405, {"detail": 'Method "%s" not allowed.' % method})

    # ---- authentication --------------------------------------------------------------------------

    def authenticate(self, full_path):
        state = self.server.state
        authorization = self.headers.get("Authorization")
        if not authorization:
            raise Reply(401, NOT_AUTHENTICATED)
        scheme, _, rest = authorization.partition(" ")
        scheme = scheme.lower()
        if scheme == "signature":
            return self.authenticate_signature(full_path)
        if scheme == "bearer":
            token = rest.strip()
            with state.lock:
                entry = state.tokens.get(token)
            if entry is None:
                raise Reply(401, INVALID_TOKEN)
            if entry[1] < time.time():
                raise Reply(401, EXPIRED_TOKEN)
            return state.users[entry[0]]
        if scheme == "token":
            username = state.private_tokens.get(rest.strip())
            if username is None:
                raise Reply(401, INVALID_TOKEN)
            return state.users[username]
        raise Reply(401, NOT_AUTHENTICATED)

    def authenticate_signature(self, full_path):
        state = self.server.state
        meta = self.build_meta()
        auth_header = meta.get("HTTP_AUTHORIZATION", "")
        params = {}
        for item in (auth_header.split(" ", 1) + [""])[1].split(","):
            key, sep, value = item.strip().partition("=")
            if sep:
                params[key] = value.strip('"')
        if not all(params.get(name) for name in ("keyId", "algorithm", "signature")):
            raise Reply(401, INVALID_SIGNATURE, self.challenge())
        entry = state.access_keys.get(params["keyId"])
        if entry is None:
            raise Reply(401, INVALID_SIGNATURE, self.challenge())
        secret, username = entry
        if not params["algorithm"].lower().startswith("hmac-"):
            # The secret is a string, not an RSA key: JumpServer cannot verify rsa-* signatures.
            raise Reply(401, INVALID_SIGNATURE, self.challenge())
        # From here on, like JumpServer: exceptions (missing signed header, a required header not in the
        # list) are not caught and become a 500.
        verifier = HeaderVerifier(
            headers=self.signature_headers(meta),
            secret=secret,
            required_headers=["(request-target)", "date"],
            method=self.command.lower(),
            path=full_path,
        )
        if not verifier.verify():
            raise Reply(401, INVALID_SIGNATURE, self.challenge())
        return state.users[username]

    @staticmethod
    def challenge():
        return {"WWW-Authenticate": 'Signature realm="api",headers="(request-target) date"'}

    def current_org(self, user, query):
        org = self.headers.get("X-JMS-ORG") or (query.get("oid") or [None])[-1] or ORG_DEFAULT
        if org not in ORGS:
            raise Reply(403, PERMISSION_DENIED)
        if user.superuser:
            return org
        if org not in user.orgs:
            raise Reply(403, PERMISSION_DENIED)
        return org

    # ---- login, v2+ ------------------------------------------------------------------------------

    def session_id(self):
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie") or "")
        except Exception:
            return None
        morsel = cookie.get(SESSION_COOKIE)
        return morsel.value if morsel is not None else None

    def check_password(self, data):
        user = self.server.state.users.get(data.get("username")) if isinstance(data.get("username"), str) else None
        password = data.get("password")
        if user is None or not isinstance(password, str) or not hmac.compare_digest(
                password.encode("utf-8"), user.password.encode("utf-8")):
            return None
        return user

    def token_reply(self, user, status):
        token, expires = self.server.state.issue_token(user.username)
        raise Reply(status, {
            "token": token,
            "keyword": "Bearer",
            "date_expired": format_expiry(expires),
            "user": user.public(),
        })

    def login_v2(self, data):
        state = self.server.state
        user = self.check_password(data)
        if user is None:
            raise Reply(400, {"error": "password_failed",
                              "msg": "The username or password you entered is incorrect, please enter it again."})
        if not user.mfa_enabled:
            self.token_reply(user, 201)
        if user.mfa is None:
            raise Reply(400, {"error": "mfa_unset", "msg": "MFA unset, please set first"})
        sid = self.session_id()
        session = state.session(sid)
        if session is not None and session.get("username") == user.username and session.get("mfa_ok"):
            with state.lock:
                state.sessions.pop(sid, None)
            self.token_reply(user, 201)
        sid = self.new_session_for(user)
        raise Reply(200, {
            "error": "mfa_required",
            "msg": "MFA required",
            "data": {"choices": ["otp"], "url": "/api/v1/authentication/mfa/challenge/"},
        }, {"Set-Cookie": "%s=%s; HttpOnly; Max-Age=%d; Path=/; SameSite=Lax" % (SESSION_COOKIE, sid, SESSION_TTL)})

    def new_session_for(self, user):
        return self.server.state.new_session({"username": user.username, "mfa_ok": False})

    def mfa_challenge(self, data):
        state = self.server.state
        session = state.session(self.session_id())
        if session is None:
            raise Reply(401, NOT_AUTHENTICATED)
        user = state.users[session["username"]]
        if data.get("type", "otp") != "otp":
            raise Reply(400, {"error": "mfa_failed", "msg": "MFA type not supported"})
        mfa = user.mfa or {}
        code = data.get("code")
        if not totp_check(mfa.get("secret", ""), code, mfa.get("algorithm", "sha1"), mfa.get("digits", 6)):
            raise Reply(400, {"error": "mfa_failed", "msg": "MFA code invalid, or ntp sync server time"})
        session["mfa_ok"] = True
        raise Reply(200, {"msg": "ok"})

    # ---- login, v1 -------------------------------------------------------------------------------

    def login_v1(self, data):
        state = self.server.state
        user = self.check_password(data)
        if user is None:
            raise Reply(400, {"msg": "Invalid username or password"})
        if not user.mfa_enabled:
            token, _ = state.issue_token(user.username)
            raise Reply(200, {"token": token, "user": user.public()})
        seed = uuid.uuid4().hex
        with state.lock:
            state.seeds[seed] = (user.username, time.time() + SEED_TTL)
        raise Reply(300, {"code": 101, "msg": "Please carry seed value and conduct MFA secondary certification",
                          "otp_url": "/api/v1/users/otp/auth/", "seed": seed})

    def otp_v1(self, data):
        state = self.server.state
        seed = data.get("seed")
        with state.lock:
            entry = state.seeds.get(seed) if isinstance(seed, str) else None
        if entry is None or entry[1] < time.time():
            raise Reply(401, {"msg": "Seed is invalid or expired"})
        user = state.users[entry[0]]
        mfa = user.mfa or {}
        if not totp_check(mfa.get("secret", ""), data.get("otp_code"), mfa.get("algorithm", "sha1"),
                          mfa.get("digits", 6)):
            raise Reply(401, {"msg": "MFA certification failed"})
        with state.lock:
            state.seeds.pop(seed, None)
        token, _ = state.issue_token(user.username)
        raise Reply(200, {"token": token, "user": user.public()})

    # ---- assets ----------------------------------------------------------------------------------

    def asset_list(self, org, query):
        state = self.server.state
        with state.lock:
            if org == ORG_ROOT:
                items = [a for o in sorted(state.assets) for a in state.assets[o]]
            else:
                items = list(state.assets.get(org, []))
        search = (query.get("search") or [""])[-1]
        if search:
            items = [a for a in items if search in a["name"]]
        if "limit" not in query:
            raise Reply(200, items)  # JumpServer answers a plain list when no limit is asked
        try:
            limit = max(1, min(int(query["limit"][-1]), 100))
            offset = max(0, int((query.get("offset") or ["0"])[-1]))
        except ValueError:
            raise Reply(400, {"detail": "Invalid limit or offset."})
        base = "http://%s%s" % (self.headers.get("Host") or "127.0.0.1", "/api/v1/assets/assets/")
        extra = {k: v[-1] for k, v in query.items() if k not in ("limit", "offset")}

        def link(off):
            return base + "?" + urlencode(dict(extra, limit=limit, offset=off))

        raise Reply(200, {
            "count": len(items),
            "next": link(offset + limit) if offset + limit < len(items) else None,
            "previous": (link(max(0, offset - limit)) if offset > 0 else None),
            "results": items[offset:offset + limit],
        })

    # ---- test hooks ------------------------------------------------------------------------------

    def control(self, path, body):
        state = self.server.state
        if path == "/__emulator__/fail" and self.command == "POST":
            data = json.loads(body.decode("utf-8") or "{}")
            with state.lock:
                state.failures.append({
                    "status": int(data.get("status", 503)),
                    "count": int(data.get("count", 1)),
                    "prefix": str(data.get("prefix", "/")),
                    "method": data.get("method"),
                })
            raise Reply(200, {"ok": True})
        if path == "/__emulator__/log" and self.command == "GET":
            with state.lock:
                raise Reply(200, list(state.log))
        if path == "/__emulator__/reset" and self.command == "POST":
            with state.lock:
                state.failures.clear()
                state.log.clear()
            raise Reply(200, {"ok": True})
        if path == "/__emulator__/expire-tokens" and self.command == "POST":
            with state.lock:
                for token, (username, _) in list(state.tokens.items()):
                    state.tokens[token] = (username, 0)
            raise Reply(200, {"ok": True})
        raise Reply(404, {"detail": "Not found."})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a burst of new connections (100 concurrent client requests)
    # would stall on SYN retries.
    request_queue_size = 128


def parse_args(argv):
    p = argparse.ArgumentParser(description="Local JumpServer API emulator for tests.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    p.add_argument("--access-key", action="append", default=[], metavar="ID:SECRET[:USER]",
                   help="an access key (repeatable); default: the documented test key for user admin")
    p.add_argument("--user", action="append", default=[], metavar="NAME:PASSWORD[:TOTP_SECRET[:ALG[:DIGITS]]]",
                   help="an extra user (repeatable); a TOTP secret enables MFA")
    p.add_argument("--private-token", action="append", default=[], metavar="TOKEN[:USER]",
                   help="a private token (repeatable); default: %s for admin" % DEFAULT_PRIVATE_TOKEN)
    p.add_argument("--token-ttl", type=float, default=86400.0, help="bearer token lifetime in seconds")
    p.add_argument("--credentials-stdin", action="store_true",
                   help="read more credentials from stdin until EOF, one per line: 'access-key ID:SECRET[:USER]', "
                        "'user NAME:PASSWORD[:...]' or 'private-token TOKEN[:USER]' (keeps secrets out of the "
                        "process list, which any local user can read)")
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = p.parse_args(argv)
    if args.credentials_stdin:
        read_credentials(sys.stdin, args)
    return args


CREDENTIAL_KINDS = {"access-key": "access_key", "user": "user", "private-token": "private_token"}


def read_credentials(stream, args):
    """Adds the credentials listed in `stream` to the parsed arguments, as if each had been its option."""
    for number, line in enumerate(stream, start=1):
        line = line.strip()
        if not line:
            continue
        kind, _, value = line.partition(" ")
        if kind not in CREDENTIAL_KINDS or not value:
            # The line may hold a secret: name only its number.
            raise SystemExit("--credentials-stdin: line %d is not 'access-key|user|private-token VALUE'" % number)
        getattr(args, CREDENTIAL_KINDS[kind]).append(value.strip())


def build_state(args):
    state = State(args.token_ttl)
    state.add_user(User("admin", "admin-password", orgs=[ORG_DEFAULT, ORG_ENGINEERING], superuser=True))
    state.add_user(User("alice", "alice-password", orgs=[ORG_DEFAULT]))
    state.add_user(User("mfa-user", "mfa-password", mfa={"secret": DEFAULT_TOTP_SECRET}, orgs=[ORG_DEFAULT]))
    state.add_user(User("mfa-sha256", "mfa-password",
                        mfa={"secret": DEFAULT_TOTP_SECRET, "algorithm": "sha256"}, orgs=[ORG_DEFAULT]))
    state.add_user(User("mfa-unset", "mfa-password", mfa=None, mfa_enabled=True))
    for spec in args.user:
        parts = spec.split(":")
        if len(parts) < 2:
            raise SystemExit("--user needs NAME:PASSWORD")
        mfa = None
        if len(parts) >= 3 and parts[2]:
            mfa = {"secret": parts[2], "algorithm": (parts[3] if len(parts) > 3 else "sha1").lower().replace("-", ""),
                   "digits": int(parts[4]) if len(parts) > 4 else 6}
        state.add_user(User(parts[0], parts[1], mfa=mfa))
    keys = args.access_key or ["%s:%s" % (DEFAULT_KEY_ID, DEFAULT_KEY_SECRET)]
    for spec in keys:
        key_id, sep, rest = spec.partition(":")
        if not sep or not rest:
            raise SystemExit("--access-key needs ID:SECRET")
        secret, _, username = rest.partition(":")
        username = username or "admin"
        if username not in state.users:
            raise SystemExit("--access-key: unknown user %r" % username)
        state.access_keys[key_id] = (secret, username)
    # A second, non-superuser key for organisation tests.
    state.access_keys.setdefault(ALICE_KEY_ID, (ALICE_KEY_SECRET, "alice"))
    for spec in args.private_token or [DEFAULT_PRIVATE_TOKEN]:
        token, _, username = spec.partition(":")
        state.private_tokens[token] = username or "admin"
    return state


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    state = build_state(args)
    server = Server((args.host, args.port), Handler)
    server.state = state
    server.verbose = args.verbose
    host, port = server.server_address[:2]
    sys.stdout.write("%s http://%s:%d\n" % (READY_PREFIX, host, port))
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
