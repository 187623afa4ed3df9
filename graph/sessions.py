"""App sessions that survive a reload, a new tab and a bookmark, for a limited time.

After a login the app gives the browser a cookie holding a token signed with a
secret of this installation (itsdangerous, HMAC with a timestamp). The token
names the account and its *session generation*; logging out raises the
generation, so every token of that account is void at once, in every browser
and tab (server-side revocation). A token also becomes void when it is older
than the session lifetime, and when the account is disabled or removed.

The secret and the generations live in the accounts file (0600), next to the
password hashes they protect.
"""

from __future__ import annotations

import os
import re
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import accounts
from .access import User

COOKIE = "buendnisnetz_sitzung"
ENV_SESSION_HOURS = "BUENDNISNETZ_SESSION_HOURS"
DEFAULT_HOURS = 8.0
_SALT = "buendnisnetz-sitzung"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_\-.]{20,2000}$")


def lifetime_seconds() -> int:
    """How long a session lasts ($BUENDNISNETZ_SESSION_HOURS, default 8 hours)."""
    try:
        hours = float(os.environ.get(ENV_SESSION_HOURS) or DEFAULT_HOURS)
    except ValueError:
        hours = DEFAULT_HOURS
    return max(60, int(hours * 3600))


def _serializer(path=None) -> URLSafeTimedSerializer:
    data = accounts.load_config(path)
    secret = data.get("session_secret")
    if not secret:
        secret = data["session_secret"] = secrets.token_urlsafe(32)
        accounts.save_config(data, path)
    return URLSafeTimedSerializer(secret, salt=_SALT)


def generation(name: str, path=None) -> int:
    return int(accounts.load_config(path).get("sessions", {}).get(name, 0))


def issue(user: User, path=None) -> str:
    """A signed token for a freshly authenticated local account."""
    return _serializer(path).dumps({"u": user.name, "g": generation(user.name, path)})


def verify(token: str | None, path=None) -> User | None:
    """The account a token stands for, or None when it is forged, expired, revoked or the account is gone."""
    if not token or not _TOKEN_RE.match(token) or accounts.mode(path) != "accounts":
        return None
    try:
        data = _serializer(path).loads(token, max_age=lifetime_seconds())
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    name = data.get("u")
    entry = accounts.load(path).get(name) if isinstance(name, str) else None
    if entry is None or entry.get("disabled") or data.get("g") != generation(name, path):
        return None
    return accounts.user_from(name, entry)


def revoke(name: str, path=None) -> None:
    """End every session of an account, everywhere (logout)."""
    data = accounts.load_config(path)
    if not data:
        return
    sessions = data.setdefault("sessions", {})
    sessions[name] = int(sessions.get(name, 0)) + 1
    accounts.save_config(data, path)


def cookie_script(token: str | None) -> str:
    """JavaScript that stores the token in the session cookie (or deletes it for None).

    ``SameSite=Strict`` keeps it off cross-site requests; ``Secure`` when served over https.
    """
    if token is not None and not _TOKEN_RE.match(token):
        raise ValueError("kein gültiges Sitzungstoken")
    value = token or ""
    age = lifetime_seconds() if token else 0
    return ("<script>(function(){var secure = window.location.protocol === 'https:' ? '; Secure' : '';"
            f"document.cookie = '{COOKIE}={value}; Path=/; Max-Age={age}; SameSite=Strict' + secure;"
            "})();</script>")
