#!/usr/bin/python3
"""A local JumpServer API emulator for tests.

It reproduces what JumpServer's own source does (read from the public ``jumpserver/jumpserver`` repository,
tags v2.1 to v4.10.19, the front end ``jumpserver/luna`` for web connect URLs, and the ``jumpserver/pam-clients``
SDKs), as described in docs/guides/jumpserver.md. ``--jms-version`` (default 4.10.19) selects the answers that changed
between versions (noted below with the version that changed them):

* Access keys (``apps/common/auth/signature.py``, ``apps/authentication/backends/drf.py``):
  ``Authorization: Signature keyId=…,algorithm=…,headers=…,signature=…`` verified with the Python ``httpsig``
  package (Debian ``python3-httpsig``) the way JumpServer does it: a ``HeaderVerifier`` with
  ``required_headers=["(request-target)", "date"]``, the lower-cased method and the full path with its query,
  over headers rebuilt from a Django-style ``META`` dict with the ``key[5:]`` quirk (so a signed
  ``content-type`` or ``content-length`` is "missing" and the request fails with 500). Any other signed
  header (the pam-clients profile signs ``digest`` and ``x-jms-request-id``) is only checked for being
  signed: the public server neither recomputes the digest nor remembers request ids. An access key's IP
  allow-list (v3.9+) is checked before the signature: ``401 Ip is not in access ip list.``
* Django's ``APPEND_SLASH``: an API path without its trailing slash is answered with a 301 to the path
  plus ``/`` (query kept), before any authentication.
* Token login (``apps/authentication/api/token.py``, ``mfa.py``, ``login_confirm.py``, ``mixins.py``), v2+:
  ``auth/`` and ``tokens/`` (the same view) always open a ``jms_sessionid`` session; MFA answers 200
  ``mfa_required`` with the user's active MFA types as ``choices`` (``[]`` when MFA is enforced but nothing
  is bound); ``mfa/select/`` (= ``mfa/send-code/``) sends an SMS/e-mail code (readable through a test hook);
  ``mfa/challenge/`` answers 401 ``mfa_failed`` for a wrong code; a login-review ACL answers 200
  ``login_confirm_wait`` with a ticket id, polled on ``login-confirm-ticket/status/``; a password that has
  expired or must be changed gives a 500 from v2.24 on (``str()`` of a ``NeedRedirectError`` without
  ``detail`` fails inside the view's own ``except``) and 400 ``{"error": "<message>"}`` before
  (``--jms-version 2.23``). ``date_expired`` is ``%Y/%m/%d %H:%M:%S %z`` in the server's ``TIME_ZONE``
  (default Asia/Shanghai, ``+0800``). v1 (``/api/v1/users/auth/`` answering HTTP 300 with a seed, then
  ``/api/v1/users/otp/auth/``).
* ``Authorization: Bearer <token>`` (expiring) and ``Authorization: Token <private token>``.
* Organisations (``apps/orgs/utils.py get_org_from_request``): ``?oid=``, else ``X-JMS-ORG``, else an
  ``X-JMS-ORG`` cookie; an org id, an org name, or ``default``/``root``/``system`` (any case); a missing or
  unknown org runs in the Default org (API clients are not yet authenticated when the middleware runs);
  403 when the user has no role in the org. ``GET /api/v1/orgs/orgs/current/`` names the org a request ran in.
* DRF ``LimitOffsetPagination`` (``MaxLimitOffsetPagination``, ``MAX_PAGE_SIZE`` 1000): a bare list when no
  valid ``limit`` is given, else ``{count, next, previous, results}`` with absolute links built from the
  ``Host`` header (``--link-host`` writes another host, as an upstream behind a proxy would).
* DRF throttling (``common/drf/throttling.py``, v4.10.15+): 429 with ``Retry-After`` once a rate set by a test hook
  is used. The search parameter is ``q`` from v4.10.13 (``search`` before; the other one is ignored). A 401 carries
  the first authenticator's challenge: ``Signature realm=…`` from v4.10.14, ``Bearer`` from v3.0, ``Sign`` before.
  The page size is capped at 1000 from v4.10.8 (10000 before). An unknown or expired bearer token is
  ``Invalid token or cache refreshed.`` up to v4.10.13 and ``Authentication credentials were not provided.`` after.
* ``ANY /api/v1/echo/<anything>/`` answering what it received, for signature tests.
* Test hooks under ``/__emulator__/``: inject failures, read the request log, reset, tickets, outbox, …

Run it with ``/usr/bin/python3 jumpserver_emulator.py --port 0``; when ready it prints exactly one line
``JUMPSERVER_EMULATOR_LISTENING http://127.0.0.1:<port>`` on stdout. Only the standard library and
``python3-httpsig`` are used. It listens on loopback only by default and is meant for tests, never for
production.
"""

import argparse
import base64
import hashlib
import hmac
import ipaddress
import json
import math
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
# AccessTokenAuthentication: the bearer token is a cache key that expires; an unknown or expired one is refused
# with this message from v2.20 to v4.10.13, and falls through to NOT_AUTHENTICATED from v4.10.14.
INVALID_BEARER = {"detail": "Invalid token or cache refreshed.", "code": "authentication_failed"}
# DRF TokenAuthentication (private tokens).
INVALID_PRIVATE_TOKEN = {"detail": "Invalid token.", "code": "authentication_failed"}
PERMISSION_DENIED = {"detail": "You do not have permission to perform this action.", "code": "permission_denied"}
IP_NOT_ALLOWED = {"detail": "Ip is not in access ip list.", "code": "authentication_failed"}
SESSION_EMPTY = "No session found, check your cookie"
INVALID_LOGIN = ("The username or password you entered is incorrect, please enter it again. You can also try %d times "
                 "(The account will be temporarily locked for 30 minutes)")
MFA_ERROR = "%s, You can also try %d times (The account will be temporarily locked for 30 minutes)"
LOGIN_CONFIRM_WAIT = "Wait login confirm ticket for accept"
LOGIN_CONFIRM_ERROR = "Login confirm ticket was %s"
# users/models: the messages of PasswordRequireResetError, PasswordNeedUpdate and PasswordTooSimple.
PASSWORD_MESSAGES = {
    "expired": "Your password has expired, please reset before logging in",
    "need_update": "You should to change your password before login",
    "too_simple": "Your password is too simple, please change it for security",
}
MAX_PAGE_SIZE = 1000


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
    def __init__(self, username, password, mfa=None, orgs=None, superuser=False, mfa_enabled=None, mfa_types=None,
                 login_confirm=False, password_state=None):
        self.id = str(uuid.uuid5(uuid.NAMESPACE_URL, "jumpserver-emulator:" + username))
        self.username = username
        self.password = password
        self.mfa = mfa  # None or {"secret", "algorithm", "digits"}
        # The active MFA backends (user.active_mfa_backends_mapper): "otp" with a TOTP secret; "sms"/"email"
        # send a code through mfa/select/.
        self.mfa_types = list(mfa_types) if mfa_types is not None else (["otp"] if mfa is not None else [])
        self.mfa_enabled = bool(self.mfa_types) if mfa_enabled is None else mfa_enabled
        self.login_confirm = login_confirm  # a login ACL with the "review" action
        self.password_state = password_state  # None, "expired", "need_update" or "too_simple"
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
        self.tickets = {}  # ticket id -> {"username", "state"}: open, approved, rejected, closed
        self.outbox = {}  # username -> {"type", "code", "expires"}: the last SMS/e-mail MFA code sent
        self.throttle = None  # {"rate", "period"} once set by a test hook
        self.throttle_history = {}  # ident -> [timestamps], newest first (DRF SimpleRateThrottle)
        self.key_ips = {}  # access key id -> allowed IPs/CIDRs (AccessKey.ip_group)
        self.jms_version = (4, 10, 19)
        self.tz_offset = 8 * 3600  # TIME_ZONE Asia/Shanghai
        self.link_host = None
        # settings/base.py: SESSION_COOKIE_NAME = SESSION_COOKIE_NAME_PREFIX + "sessionid", the prefix "jms_" unless
        # configured (or taken from SESSION_COOKIE_DOMAIN).
        self.session_cookie = SESSION_COOKIE
        self.mfa_failures = {}
        self.assets = {}
        for org, count, prefix in ((ORG_DEFAULT, 7, "web"), (ORG_ENGINEERING, 3, "build")):
            self.assets[org] = [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "asset:%s:%d" % (org, i))),
                    "name": "%s-%02d" % (prefix, i),
                    "address": "10.0.%d.%d" % (0 if org == ORG_DEFAULT else 1, i),
                    "platform": {"id": 1, "name": "Linux"},
                    "category": {"value": "host", "label": "Host"},
                    "type": {"value": "linux", "label": "Linux"},
                    "protocols": [{"name": "ssh", "port": 22}],
                    "nodes": [],
                    "org_id": org,
                    "org_name": ORGS[org],
                    "is_active": True,
                }
                for i in range(1, count + 1)
            ]
        # Other resources, one list each (org-scoped ones carry org_id), for the typed helpers.
        self.store = {kind: [] for kind in RESOURCES.values()}
        self.store["platforms"] = [dict(p) for p in PLATFORMS]
        self.store["nodes"] = [
            {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "node:%s" % org)), "key": "1" if org == ORG_DEFAULT else "2",
             "value": ORGS[org], "full_value": "/" + ORGS[org], "org_id": org, "org_name": ORGS[org]}
            for org in (ORG_DEFAULT, ORG_ENGINEERING)
        ]
        web01 = self.assets[ORG_DEFAULT][0]
        session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "session:1"))
        self.store["sessions"] = [{
            "id": session_id, "user": "Admin(admin)", "asset": "%s(%s)" % (web01["name"], web01["address"]),
            "asset_id": web01["id"], "account": "root(root)", "protocol": "ssh", "login_from": "WT",
            "remote_addr": "192.0.2.10", "is_finished": True, "has_replay": True, "has_command": True,
            "date_start": "2026/11/20 10:00:00 +0800", "date_end": "2026/11/20 10:05:00 +0800",
            "org_id": ORG_DEFAULT, "org_name": ORGS[ORG_DEFAULT],
        }]
        self.store["commands"] = [
            {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "command:%d" % i)), "user": "Admin(admin)",
             "asset": "%s(%s)" % (web01["name"], web01["address"]),
             "account": "root(root)", "input": text, "output": "", "risk_level": {"value": risk, "label": label},
             "session": session_id, "timestamp": 1795600800 + i, "org_id": ORG_DEFAULT}
            for i, (text, risk, label) in enumerate((("ls -la", 0, "Accept"), ("rm -rf /tmp/x", 5, "Warning")))
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


def format_expiry(ts, offset=0):
    """DRF's DATETIME_FORMAT ``%Y/%m/%d %H:%M:%S %z`` in the server's time zone (a fixed offset here)."""
    sign = "-" if offset < 0 else "+"
    minutes = abs(offset) // 60
    return time.strftime("%Y/%m/%d %H:%M:%S ", time.gmtime(ts + offset)) + "%s%02d%02d" % (sign, minutes // 60, minutes % 60)


def parse_version(text):
    parts = [int(p) for p in text.lstrip("v").split(".")[:3] if p.isdigit()]
    return tuple(parts + [0] * (3 - len(parts)))


def parse_offset(text):
    text = text.strip()
    if text.upper() in ("Z", "UTC", "+0000", "+00:00"):
        return 0
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").replace(":", "")
    if len(digits) != 4 or not digits.isdigit():
        raise SystemExit("--time-zone must look like +0800 or -05:00")
    return sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)


def ip_allowed(ip, allowed):
    """common.utils.contains_ip: '*' or an address or a CIDR (a range a-b is not needed by the tests)."""
    for item in allowed:
        item = item.strip()
        if item == "*":
            return True
        try:
            if "/" in item:
                if ipaddress.ip_address(ip) in ipaddress.ip_network(item, strict=False):
                    return True
            elif ipaddress.ip_address(ip) == ipaddress.ip_address(item):
                return True
        except ValueError:
            continue
    return False


# --------------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------------

# Path prefix -> store kind: the resources the typed helpers use (apps/*/urls/api_urls.py of JumpServer v3/v4).
RESOURCES = {
    "/api/v1/users/groups/": "user_groups",
    "/api/v1/assets/nodes/": "nodes",
    "/api/v1/accounts/accounts/": "accounts",
    "/api/v1/assets/platforms/": "platforms",
    "/api/v1/perms/asset-permissions/": "asset_permissions",
    "/api/v1/terminal/sessions/": "sessions",
    "/api/v1/terminal/commands/": "commands",
    "/api/v1/audits/login-logs/": "login_logs",
    "/api/v1/authentication/connection-token/": "connection_tokens",
}
GLOBAL_KINDS = ("platforms", "login_logs")  # not scoped to an organisation
READ_ONLY_KINDS = ("sessions", "commands", "login_logs")
REQUIRED_FIELDS = {
    "user_groups": ["name"], "nodes": [], "accounts": ["asset", "username"], "platforms": ["name", "type"],
    "asset_permissions": ["name"], "connection_tokens": ["asset", "protocol"],
}
# The asset category endpoints (AssetViewSet subclasses): path word -> category value.
ASSET_CATEGORIES = {"hosts": "host", "devices": "device", "databases": "database", "webs": "web",
                    "clouds": "cloud", "customs": "custom", "gpts": "gpt", "directories": "ds"}
PLATFORMS = [
    {"id": 1, "name": "Linux", "category": {"value": "host", "label": "Host"}, "type": {"value": "linux", "label": "Linux"}},
    {"id": 5, "name": "Windows", "category": {"value": "host", "label": "Host"}, "type": {"value": "windows", "label": "Windows"}},
    {"id": 17, "name": "MySQL", "category": {"value": "database", "label": "Database"}, "type": {"value": "mysql", "label": "MySQL"}},
]
# ConnectMethodUtil: the methods a desktop client (jms:// URL) handles; web methods have no client URL.
CLIENT_CONNECT_METHODS = ("ssh_client", "sftp_client", "db_client", "mstsc", "vnc_client", "telnet_client")


def resolve_org(oid):
    """Organization.get_instance: an alias (any case), an id or a name (GLOBAL is the root org); else None."""
    if not oid:
        return None
    aliases = {"default": ORG_DEFAULT, "root": ORG_ROOT, "system": ORG_SYSTEM}
    if oid.lower() in aliases:
        return aliases[oid.lower()]
    if oid in ORGS:
        return oid
    for org_id, name in ORGS.items():
        if name == oid:
            return org_id
    return None


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
                    "effectiveOrg": getattr(self, "effective_org", None),
                    "cookie": bool(self.headers.get("Cookie")),
                })
        if status == 401 and isinstance(body, dict) and "detail" in body and "WWW-Authenticate" not in headers:
            headers.update(self.challenge())  # a DRF AuthenticationFailed / NotAuthenticated
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
        self.effective_org = None
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
            self.throttle(self.client_ip())
            self.require_method(method, "POST")
            self.login_v2(self.json_body(body))
        if path in ("/api/v1/authentication/mfa/challenge/", "/api/v1/authentication/mfa/verify/"):
            self.throttle(self.client_ip())
            self.require_method(method, "POST")
            self.mfa_challenge(self.json_body(body))
        if path in ("/api/v1/authentication/mfa/select/", "/api/v1/authentication/mfa/send-code/"):
            self.throttle(self.client_ip())
            self.require_method(method, "POST")
            self.mfa_select(self.json_body(body))
        if path == "/api/v1/authentication/login-confirm-ticket/status/":
            self.throttle(self.client_ip())
            self.require_method(method, "GET", "DELETE")
            self.ticket_status()
        if path == "/api/v1/users/auth/":
            self.require_method(method, "POST")
            self.login_v1(self.json_body(body))
        if path == "/api/v1/users/otp/auth/":
            self.require_method(method, "POST")
            self.otp_v1(self.json_body(body))

        user = self.authenticate(full_path)
        self.throttle(user.id)
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
        if path == "/api/v1/orgs/orgs/current/":
            self.require_method(method, "GET")
            raise Reply(200, {"id": org, "name": ORGS[org], "is_default": org == ORG_DEFAULT,
                              "is_root": org == ORG_ROOT, "is_system": org == ORG_SYSTEM, "comment": ""})
        if path == "/api/v1/orgs/orgs/":
            self.require_method(method, "GET")
            visible = sorted(ORGS) if user.superuser else sorted(user.orgs)
            self.paginate([{"id": o, "name": ORGS[o]} for o in visible], query, path)
        self.resource_routes(method, path, query, body, user, org)
        raise Reply(404, {"detail": "Not found."})

    def client_ip(self):
        """common.utils.get_request_ip: the first X-Forwarded-For address, else the peer address."""
        forwarded = (self.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
        return forwarded or self.client_address[0]

    def throttle(self, ident):
        """DRF SimpleRateThrottle: at most `rate` requests per `period` seconds per user (or per IP)."""
        state = self.server.state
        if state.jms_version < (4, 10, 15):
            return  # DEFAULT_THROTTLE_CLASSES came with v4.10.15
        with state.lock:
            rule = state.throttle
            if rule is None:
                return
            now = time.time()
            history = [t for t in state.throttle_history.get(ident, []) if t > now - rule["period"]]
            if len(history) >= rule["rate"]:
                remaining = rule["period"] - (now - history[-1])
                available = rule["rate"] - len(history) + 1
                wait = math.ceil(remaining / available) if available > 0 else None
                state.throttle_history[ident] = history
            else:
                history.insert(0, now)
                state.throttle_history[ident] = history
                return
        detail = "Request was throttled." + ("" if wait is None else " Expected available in %d seconds." % wait)
        raise Reply(429, {"detail": detail, "code": "throttled"},
                    None if wait is None else {"Retry-After": "%d" % wait})

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
            if entry is None or entry[1] < time.time():
                raise Reply(401, NOT_AUTHENTICATED if state.jms_version >= (4, 10, 14) else INVALID_BEARER)
            return state.users[entry[0]]
        if scheme == "token":
            username = state.private_tokens.get(rest.strip())
            if username is None:
                raise Reply(401, INVALID_PRIVATE_TOKEN)
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
        allowed = state.key_ips.get(params["keyId"])
        if allowed is not None and not ip_allowed(self.client_ip(), allowed):
            raise Reply(401, IP_NOT_ALLOWED, self.challenge())
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

    def challenge(self):
        """DRF answers a 401 with the authenticate_header of the first authentication class: ServiceAuthentication
        (a Signature challenge) from v4.10.14, AccessTokenAuthentication ("Bearer") from v3.0, AccessKeyAuthentication
        ("Sign") before."""
        version = self.server.state.jms_version
        if version >= (4, 10, 14):
            return {"WWW-Authenticate": 'Signature realm="api",headers="(request-target) date"'}
        return {"WWW-Authenticate": "Bearer" if version >= (3, 0, 0) else "Sign"}

    def current_org(self, user, query):
        """orgs.utils.get_org_from_request, then RBAC: 403 when the user has no role in the org."""
        oid = (query.get("oid") or [None])[-1] or self.headers.get("X-JMS-ORG") or self.cookie("X-JMS-ORG")
        org = resolve_org(oid) or ORG_DEFAULT
        self.effective_org = org
        if user.superuser:
            return org
        if org == ORG_ROOT or org not in user.orgs:
            raise Reply(403, PERMISSION_DENIED)
        return org

    def cookie(self, name):
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie") or "")
        except Exception:
            return None
        morsel = cookie.get(name)
        return morsel.value if morsel is not None else None

    # ---- login, v2+ ------------------------------------------------------------------------------

    def session_id(self):
        return self.cookie(self.server.state.session_cookie)

    def check_password(self, data):
        user = self.server.state.users.get(data.get("username")) if isinstance(data.get("username"), str) else None
        password = data.get("password")
        if user is None or not isinstance(password, str) or not hmac.compare_digest(
                password.encode("utf-8"), user.password.encode("utf-8")):
            return None
        return user

    def token_reply(self, user, status, headers=None):
        state = self.server.state
        token, expires = state.issue_token(user.username)
        raise Reply(status, {
            "token": token,
            "keyword": "Bearer",
            "date_expired": format_expiry(expires, state.tz_offset),
            "user": user.public(),
        }, headers)

    def login_v2(self, data):
        """TokenCreateApi.create: the session is created first, so every answer may carry its cookie."""
        state = self.server.state
        sid = self.session_id()
        session = state.session(sid)
        headers = {}
        if session is None:
            sid = state.new_session({})
            session = state.session(sid)
            headers["Set-Cookie"] = "%s=%s; HttpOnly; Max-Age=%d; Path=/; SameSite=Lax" % (state.session_cookie, sid, SESSION_TTL)
        try:
            self.login_steps(session, data, headers)
        except Reply as r:
            r.headers.update(headers)
            raise

    def login_steps(self, session, data, headers):
        state = self.server.state
        # get_user_or_auth: a session whose password step is done is used as is.
        if session.get("auth_password") and session.get("auth_password_expires", 0) > time.time():
            user = state.users[session["username"]]
        else:
            user = self.check_password(data)
            if user is None:
                self.login_log(data.get("username"), False, "Username/password check failed")
                raise Reply(400, {"error": "password_failed", "msg": INVALID_LOGIN % 6})
            if user.login_confirm:
                session["auth_confirm_required"] = True  # _check_login_acl with a review ACL
            if user.password_state:
                self.password_reset_required(user)
            session.update({"auth_password": True, "username": user.username,
                            "auth_password_expires": time.time() + 300})
        # check_user_mfa_if_need
        if user.mfa_enabled and not (session.get("auth_mfa") and session.get("auth_mfa_username") == user.username):
            raise Reply(200, {
                "error": "mfa_required",
                "msg": "MFA required",
                "data": {"choices": list(user.mfa_types), "url": "/api/v1/authentication/mfa/challenge/"},
            })
        # check_user_login_confirm_if_need
        if session.get("auth_confirm_required"):
            ticket_id = session.get("auth_ticket_id")
            with state.lock:
                ticket = state.tickets.get(ticket_id)
                if ticket is None or ticket["state"] == "closed":
                    ticket_id = str(uuid.uuid4())
                    ticket = {"username": user.username, "state": "open"}
                    state.tickets[ticket_id] = ticket
                    session["auth_ticket_id"] = ticket_id
            self.check_ticket(session, ticket_id, ticket)
        # clear_auth_mark
        for key in ("auth_password", "auth_confirm_required", "auth_ticket_id"):
            session.pop(key, None)
        self.login_log(user.username, True, "")
        self.token_reply(user, 201)

    def login_log(self, username, ok, reason):
        """audits UserLoginLog, written by the post_auth_success / post_auth_failed signals."""
        state = self.server.state
        entry = {"id": str(uuid.uuid4()), "username": str(username or ""), "type": {"value": "W", "label": "Web"},
                 "ip": self.client_ip(), "city": "LAN", "user_agent": (self.headers.get("User-Agent") or "")[:254],
                 "mfa": {"value": 0, "label": "-"}, "reason": reason, "status": {"value": ok, "label": "Success" if ok else "Failed"},
                 "backend": "Password", "datetime": format_expiry(time.time(), state.tz_offset)}
        with state.lock:
            state.store["login_logs"].append(entry)
            del state.store["login_logs"][:-500]

    def check_ticket(self, session, ticket_id, ticket):
        """AuthMixin.check_user_login_confirm."""
        if ticket is None:
            raise Reply(200, {"error": "login_confirm_error", "msg": LOGIN_CONFIRM_ERROR % "Not found",
                              "data": {"ticket_id": "", "username": ""}})
        if ticket["state"] == "approved":
            session["auth_confirm_required"] = False
            return
        if ticket["state"] == "open":
            raise Reply(200, {"error": "login_confirm_wait", "msg": LOGIN_CONFIRM_WAIT, "data": {"ticket_id": ticket_id}})
        raise Reply(200, {"error": "login_confirm_error", "msg": LOGIN_CONFIRM_ERROR % ticket["state"].capitalize(),
                          "data": {"ticket_id": ticket_id, "username": ticket["username"]}})

    def password_reset_required(self, user):
        """PasswordRequireResetError & co. reach TokenCreateApi's ``except Exception: {"error": str(e)}``. Up to
        v2.23 str(e) is the message (400); from v2.24 NeedRedirectError skips APIException.__init__, str(e)
        raises AttributeError inside the handler, and Django answers 500."""
        if self.server.state.jms_version < (2, 24, 0):
            raise Reply(400, {"error": PASSWORD_MESSAGES[user.password_state]})
        raise Reply(500, "<h1>Server Error (500)</h1>")

    def ticket_status(self):
        """TicketStatusApi: GET polls the ticket of the session, DELETE closes it."""
        state = self.server.state
        session = state.session(self.session_id()) or {}
        ticket_id = session.get("auth_ticket_id")
        with state.lock:
            ticket = state.tickets.get(ticket_id) if ticket_id else None
        if self.command == "DELETE":
            if ticket is not None:
                session.pop("auth_ticket_id", None)
                ticket["state"] = "closed"
            raise Reply(200, "")
        self.check_ticket(session, ticket_id, ticket)
        raise Reply(200, {"msg": "ok"})

    def session_user(self):
        """AuthMixin.get_user_from_session; None without a session whose password step is done."""
        state = self.server.state
        session = state.session(self.session_id())
        if session is None or not session.get("auth_password") or session.get("auth_password_expires", 0) < time.time():
            return None, None
        return session, state.users[session["username"]]

    def mfa_challenge(self, data):
        """MFAChallengeVerifyApi: 401 without a session; 401 mfa_failed for a wrong code; 200 {"msg": "ok"}."""
        state = self.server.state
        session, user = self.session_user()
        if session is None:
            raise Reply(401, NOT_AUTHENTICATED)
        code = data.get("code")
        if not isinstance(code, str) or not code:
            raise Reply(400, {"code": ["This field is required."]})
        mfa_type = data.get("type") or ""
        if user.mfa_enabled:
            if mfa_type not in user.mfa_types:
                ok, error = False, "The MFA type (%s) is not enabled" % mfa_type
            elif mfa_type == "otp":
                mfa = user.mfa or {}
                ok = totp_check(mfa.get("secret", ""), code, mfa.get("algorithm", "sha1"), mfa.get("digits", 6))
                error = "OTP code invalid, or server time error"
            else:
                with state.lock:
                    sent = state.outbox.get(user.username)
                ok = (sent is not None and sent["type"] == mfa_type and sent["expires"] > time.time()
                      and hmac.compare_digest(sent["code"], code))
                if ok:
                    with state.lock:
                        state.outbox.pop(user.username, None)
                error = "Code is invalid or has expired"
            if not ok:
                with state.lock:
                    failures = state.mfa_failures.get(user.username, 0) + 1
                    state.mfa_failures[user.username] = failures
                raise Reply(401, {"error": "mfa_failed", "msg": MFA_ERROR % (error, max(0, 7 - failures))})
        session["auth_mfa"] = True
        session["auth_mfa_username"] = user.username
        raise Reply(200, {"msg": "ok"})

    def mfa_select(self, data):
        """MFASendCodeApi (mfa/select/, mfa/send-code/): sends the code of an SMS or e-mail MFA backend."""
        state = self.server.state
        mfa_type = data.get("type")
        if not isinstance(mfa_type, str) or not mfa_type:
            raise Reply(400, {"type": ["This field is required."]})
        username = data.get("username") or ""
        if username:
            user = state.users.get(username)
            if user is None:
                raise Reply(404, {"detail": "User object does not exist.", "code": "object_does_not_exist"})
        else:
            _, user = self.session_user()
            if user is None:
                raise Reply(400, {"error": [SESSION_EMPTY]})
        if mfa_type not in user.mfa_types or mfa_type == "otp":
            raise Reply(400, {"error": ["Current user not support mfa type: %s" % mfa_type]})
        code = "%06d" % secrets.randbelow(10 ** 6)
        with state.lock:
            state.outbox[user.username] = {"type": mfa_type, "code": code, "expires": time.time() + 300}
        raise Reply(201, {"type": mfa_type, "username": username})

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

    # ---- resources -------------------------------------------------------------------------------

    def resource_routes(self, method, path, query, body, user, org):
        state = self.server.state
        parts = path.strip("/").split("/")
        # /api/v1/assets/<category>/ and /api/v1/assets/assets/<id>/
        if len(parts) >= 4 and parts[2] == "assets" and (parts[3] in ASSET_CATEGORIES or parts[3] == "assets"):
            category = ASSET_CATEGORIES.get(parts[3])
            if len(parts) == 4:
                if method == "POST":
                    self.create_asset(org, self.json_body(body), category or "host")
                self.require_method(method, "GET")
                if category is not None:
                    query = dict(query, category=[category])
                self.asset_list(org, query)
            if len(parts) == 5:
                self.asset_detail(method, parts[4], org, body, category)
        if path == "/api/v1/users/users/":
            if method == "POST":
                data = self.json_body(body)
                missing = [f for f in ("name", "username") if not data.get(f)]
                if missing:
                    raise Reply(400, {f: ["This field is required."] for f in missing})
                if data["username"] in state.users:
                    raise Reply(400, {"username": ["user with this username already exists."]})
                created = User(data["username"], data.get("password") or secrets.token_hex(8), orgs=[org if org != ORG_ROOT else ORG_DEFAULT])
                with state.lock:
                    state.add_user(created)
                raise Reply(201, dict(created.public(), name=data["name"], email=data.get("email", created.public()["email"])))
            self.require_method(method, "GET")
            users = [u.public() for u in state.users.values() if org == ORG_ROOT or org in u.orgs]
            users = self.filtered(users, query, ("username", "name", "email"))
            self.paginate(users, query, path)
        if path.startswith("/api/v1/users/users/") and len(parts) == 5:
            found = next((u for u in state.users.values() if u.id == parts[4]), None)
            if found is None:
                raise Reply(404, {"detail": "User object does not exist.", "code": "object_does_not_exist"})
            self.require_method(method, "GET")
            raise Reply(200, found.public())
        for prefix, kind in RESOURCES.items():
            if path == prefix or (path.startswith(prefix) and len(parts) in (5, 6)):
                self.resource(method, prefix, kind, path[len(prefix):].strip("/").split("/") if path != prefix else [],
                              query, body, user, org)

    def search_param(self):
        """REST_FRAMEWORK SEARCH_PARAM: "search" up to v4.10.12, "q" from v4.10.13."""
        return "q" if self.server.state.jms_version >= (4, 10, 13) else "search"

    def filtered(self, items, query, fields):
        """DRF filterset_fields (exact) and SearchFilter (``search``, contains) over the given fields."""
        for field in fields:
            if field in query:
                wanted = query[field][-1]
                items = [i for i in items if str(i.get(field, "")) == wanted]
        term = (query.get(self.search_param()) or [""])[-1]
        if term:
            items = [i for i in items if any(term in str(i.get(f, "")) for f in fields)]
        return items

    def resource(self, method, prefix, kind, rest, query, body, user, org):
        state = self.server.state
        scoped = kind not in GLOBAL_KINDS
        with state.lock:
            items = [i for i in state.store[kind] if not scoped or org == ORG_ROOT or i.get("org_id") == org]
        if kind == "login_logs" and not user.superuser:
            items = [i for i in items if i.get("username") == user.username]
        if not rest:
            if method == "POST":
                if kind in READ_ONLY_KINDS:
                    raise Reply(405, {"detail": 'Method "POST" not allowed.'})
                self.create_resource(kind, self.json_body(body), user, org)
            self.require_method(method, "GET")
            fields = {"user_groups": ("name",), "nodes": ("value", "key"), "accounts": ("username", "name", "asset"),
                      "platforms": ("name",), "asset_permissions": ("name",), "sessions": ("asset_id", "protocol", "user"),
                      "commands": ("session", "input"), "login_logs": ("username", "ip"),
                      "connection_tokens": ("asset", "protocol")}[kind]
            self.paginate(self.filtered(items, query, fields), query, prefix)
        found = next((i for i in items if str(i["id"]) == rest[0]), None)
        if found is None:
            raise Reply(404, {"detail": "Object does not exist.", "code": "object_does_not_exist"})
        if kind == "connection_tokens" and len(rest) == 2 and rest[1] == "client-url":
            self.require_method(method, "GET", "POST")
            self.client_url(found)
        if len(rest) != 1:
            raise Reply(404, {"detail": "Not found."})
        if method == "GET":
            raise Reply(200, found)
        if kind in READ_ONLY_KINDS:
            raise Reply(405, {"detail": 'Method "%s" not allowed.' % method})
        if method in ("PATCH", "PUT"):
            data = self.json_body(body)
            with state.lock:
                found.update({k: v for k, v in data.items() if k not in ("id", "org_id", "org_name")})
            raise Reply(200, found)
        if method == "DELETE":
            with state.lock:
                state.store[kind].remove(found)
            raise Reply(204, b"")
        raise Reply(405, {"detail": 'Method "%s" not allowed.' % method})

    def create_resource(self, kind, data, user, org):
        state = self.server.state
        missing = [f for f in REQUIRED_FIELDS[kind] if data.get(f) in (None, "", [])]
        if missing:
            raise Reply(400, {f: ["This field is required."] for f in missing})
        target = ORG_DEFAULT if org == ORG_ROOT else org
        item = dict(data)
        item["id"] = (max([p["id"] for p in state.store["platforms"]] + [0]) + 1) if kind == "platforms" else str(uuid.uuid4())
        if kind not in GLOBAL_KINDS:
            item.update({"org_id": target, "org_name": ORGS[target]})
        if kind == "nodes":
            item.setdefault("value", "New node")
            item["full_value"] = "/" + item["value"]
        if kind == "accounts":
            asset = self.find_asset(data["asset"])
            if asset is None:
                raise Reply(400, {"asset": ['Invalid pk "%s" - object does not exist.' % data["asset"]]})
            item["asset"] = {"id": asset["id"], "name": asset["name"], "address": asset["address"]}
            item.setdefault("name", data["username"])
            item["secret_type"] = {"value": data.get("secret_type", "password"), "label": "Password"}
            item.pop("secret", None)  # write-only: never answered
        if kind == "asset_permissions":
            for field, default in (("users", []), ("user_groups", []), ("assets", []), ("nodes", []),
                                   ("accounts", ["@ALL"]), ("protocols", ["all"]), ("actions", ["connect"])):
                item.setdefault(field, default)
            item.setdefault("is_active", True)
        if kind == "connection_tokens":
            asset = self.find_asset(data["asset"])
            if asset is None:
                raise Reply(400, {"asset": ['Invalid pk "%s" - object does not exist.' % data["asset"]]})
            item.update({"value": secrets.token_urlsafe(24), "user": user.id, "account": data.get("account", ""),
                         "connect_method": data.get("connect_method", "web_cli"), "expire_time": 300,
                         "date_expired": format_expiry(time.time() + 300, state.tz_offset), "is_active": True,
                         "is_reusable": False})
            item.pop("input_secret", None)
        with state.lock:
            state.store[kind].append(item)
        raise Reply(201, item)

    def client_url(self, token):
        """ConnectionTokenViewSet.get_client_protocol_url: jms:// and base64 of the client's JSON."""
        if token["connect_method"] not in CLIENT_CONNECT_METHODS:
            raise Reply(400, {"error": "Connect method not support: %s" % token["connect_method"]})
        asset = self.find_asset(token["asset"]) or {"name": "?"}
        data = {"version": 2, "id": token["id"], "value": token["value"],
                "name": "%s@%s" % (token["account"] or "-", asset["name"]), "protocol": token["protocol"],
                "token": {"id": token["id"], "value": token["value"]}}
        raise Reply(200, {"url": "jms://" + base64.b64encode(json.dumps(data).encode()).decode()})

    def find_asset(self, asset_id):
        with self.server.state.lock:
            for assets in self.server.state.assets.values():
                for asset in assets:
                    if asset["id"] == asset_id:
                        return asset
        return None

    def create_asset(self, org, data, category):
        if not isinstance(data.get("name"), str) or not data.get("name"):
            raise Reply(400, {"name": ["This field is required."]})
        target = ORG_DEFAULT if org == ORG_ROOT else org
        platform = next((p for p in PLATFORMS if p["id"] == data.get("platform") or p["name"] == data.get("platform")), PLATFORMS[0])
        asset = {
            "id": str(uuid.uuid4()), "name": data["name"], "address": str(data.get("address", "")),
            "platform": {"id": platform["id"], "name": platform["name"]},
            "category": {"value": category, "label": category.capitalize()},
            "type": platform["type"], "protocols": data.get("protocols") or [{"name": "ssh", "port": 22}],
            "nodes": data.get("nodes") or [], "org_id": target, "org_name": ORGS[target], "is_active": True,
            "comment": data.get("comment", ""),
        }
        with self.server.state.lock:
            self.server.state.assets.setdefault(target, []).append(asset)
        raise Reply(201, asset)

    def asset_detail(self, method, asset_id, org, body, category):
        asset = self.find_asset(asset_id)
        if asset is None or (org != ORG_ROOT and asset["org_id"] != org) or (category and asset["category"]["value"] != category):
            raise Reply(404, {"detail": "Asset object does not exist.", "code": "object_does_not_exist"})
        if method == "GET":
            raise Reply(200, asset)
        if method in ("PATCH", "PUT"):
            data = self.json_body(body)
            with self.server.state.lock:
                asset.update({k: v for k, v in data.items() if k in ("name", "address", "comment", "is_active", "nodes", "protocols")})
            raise Reply(200, asset)
        if method == "DELETE":
            with self.server.state.lock:
                self.server.state.assets[asset["org_id"]].remove(asset)
            raise Reply(204, b"")
        raise Reply(405, {"detail": 'Method "%s" not allowed.' % method})

    # ---- assets ----------------------------------------------------------------------------------

    def asset_list(self, org, query):
        state = self.server.state
        with state.lock:
            if org == ORG_ROOT:
                items = [a for o in sorted(state.assets) for a in state.assets[o]]
            else:
                items = list(state.assets.get(org, []))
        search = (query.get(self.search_param()) or [""])[-1]
        if search:
            items = [a for a in items if search in a["name"]]
        for field in ("category", "type"):
            wanted = (query.get(field) or [""])[-1]
            if wanted:
                items = [a for a in items if a.get(field, {}).get("value") == wanted]
        if "node" in query:
            items = [a for a in items if any(n.get("id") == query["node"][-1] for n in a.get("nodes", []) if isinstance(n, dict))
                     or query["node"][-1] in a.get("nodes", [])]
        self.paginate(items, query, self.path.split("?", 1)[0])

    def paginate(self, items, query, path):
        """DRF LimitOffsetPagination with JumpServer's MaxLimitOffsetPagination (PAGE_SIZE None, max 1000): no
        valid positive ``limit`` means no pagination (a bare list); links are absolute, from the Host header."""
        try:
            limit = int(query["limit"][-1])
            if limit <= 0:
                raise ValueError
            # MAX_PAGE_SIZE (1000) from v4.10.8, MAX_LIMIT_PER_PAGE (10000) before.
            limit = min(limit, MAX_PAGE_SIZE if self.server.state.jms_version >= (4, 10, 8) else 10000)
        except (KeyError, ValueError):
            raise Reply(200, items)
        try:
            offset = max(0, int((query.get("offset") or ["0"])[-1]))
        except ValueError:
            offset = 0
        host = self.server.state.link_host or self.headers.get("Host") or "127.0.0.1"
        base = "http://%s%s" % (host, path)
        extra = [(k, v[-1]) for k, v in query.items() if k not in ("limit", "offset")]

        def link(off):
            pairs = extra + [("limit", limit)] + ([("offset", off)] if off is not None else [])
            return base + "?" + urlencode(pairs)

        previous = None
        if offset > 0:
            previous = link(None) if offset - limit <= 0 else link(offset - limit)
        raise Reply(200, {
            "count": len(items),
            "next": link(offset + limit) if offset + limit < len(items) else None,
            "previous": previous,
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
                state.throttle = None
                state.throttle_history.clear()
                state.key_ips.clear()
                state.mfa_failures.clear()
            raise Reply(200, {"ok": True})
        if path == "/__emulator__/tickets" and self.command == "GET":
            with state.lock:
                raise Reply(200, [dict(t, id=i) for i, t in state.tickets.items()])
        if path == "/__emulator__/tickets" and self.command == "POST":
            data = json.loads(body.decode("utf-8") or "{}")
            with state.lock:
                ticket = state.tickets.get(data.get("id"))
                if ticket is None or data.get("state") not in ("approved", "rejected", "closed"):
                    raise Reply(404, {"detail": "No such ticket or state."})
                ticket["state"] = data["state"]
            raise Reply(200, {"ok": True})
        if path == "/__emulator__/outbox" and self.command == "GET":
            with state.lock:
                raise Reply(200, {u: {"type": m["type"], "code": m["code"]} for u, m in state.outbox.items()})
        if path == "/__emulator__/throttle" and self.command == "POST":
            data = json.loads(body.decode("utf-8") or "{}")
            with state.lock:
                state.throttle = None if data.get("rate") is None else {
                    "rate": int(data["rate"]), "period": float(data.get("period", 60))}
                state.throttle_history.clear()
            raise Reply(200, {"ok": True})
        if path == "/__emulator__/access-key-ips" and self.command == "POST":
            data = json.loads(body.decode("utf-8") or "{}")
            with state.lock:
                if data.get("ips") is None:
                    state.key_ips.pop(data.get("keyId"), None)
                else:
                    state.key_ips[str(data.get("keyId"))] = [str(i) for i in data["ips"]]
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
    p.add_argument("--jms-version", default="4.10.19",
                   help="the JumpServer version to mirror where answers differ (default 4.10.19; e.g. 4.9, 2.23)")
    p.add_argument("--time-zone", default="+0800",
                   help="the server's TIME_ZONE offset for date_expired (default +0800, Asia/Shanghai)")
    p.add_argument("--session-cookie-prefix", default="jms_",
                   help="SESSION_COOKIE_NAME_PREFIX: the session cookie is PREFIX + 'sessionid' (default jms_)")
    p.add_argument("--link-host", default=None,
                   help="the host written in pagination links (as an upstream behind a proxy sees it)")
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
    state.jms_version = parse_version(args.jms_version)
    state.tz_offset = parse_offset(args.time_zone)
    state.link_host = args.link_host
    state.session_cookie = args.session_cookie_prefix + "sessionid"
    state.add_user(User("admin", "admin-password", orgs=[ORG_DEFAULT, ORG_ENGINEERING], superuser=True))
    state.add_user(User("alice", "alice-password", orgs=[ORG_DEFAULT]))
    state.add_user(User("mfa-user", "mfa-password", mfa={"secret": DEFAULT_TOTP_SECRET}, orgs=[ORG_DEFAULT]))
    state.add_user(User("mfa-sha256", "mfa-password",
                        mfa={"secret": DEFAULT_TOTP_SECRET, "algorithm": "sha256"}, orgs=[ORG_DEFAULT]))
    state.add_user(User("mfa-unset", "mfa-password", mfa=None, mfa_enabled=True))
    state.add_user(User("mfa-sms", "mfa-password", mfa_types=["sms"], orgs=[ORG_DEFAULT]))
    state.add_user(User("confirm-user", "confirm-password", login_confirm=True, orgs=[ORG_DEFAULT]))
    state.add_user(User("expired-user", "expired-password", password_state="expired", orgs=[ORG_DEFAULT]))
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
