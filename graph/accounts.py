"""Local user accounts for the app and the CLI: names, roles, Argon2 password hashes.

Accounts live in a small JSON file (``$BUENDNISNETZ_ACCOUNTS``, default: the
per-user config directory), apart from the graph, so the same accounts work for
the embedded store and for Neo4j. Passwords are stored only as salted Argon2id
hashes (argon2-cffi). An organisation with single sign-on plugs in OIDC through
Streamlit's ``st.login`` instead (see README).

The file also records how the installation is run, and nothing is inferred from
its absence (a mistyped path must never give admin rights):

- ``"single_user": true`` and no accounts: one person on their own machine acts
  as admin (recorded by ``buendnisnetz init --single-user``, or by ``init``/``demo``
  on a fresh machine, which say so);
- accounts: every user logs in; the first account is an admin;
- no file at all: nobody gets in, CLI and app say how to set up.

Repeated wrong passwords lock an account for a while (doubling each time).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .access import ROLES, User
from .errors import InputError

ENV_ACCOUNTS = "BUENDNISNETZ_ACCOUNTS"
#: ``required``: the CLI asks for the acting user's password (or reads $BUENDNISNETZ_LOGIN_PASSWORD).
ENV_CLI_PASSWORD = "BUENDNISNETZ_CLI_PASSWORD"
ENV_LOGIN_PASSWORD = "BUENDNISNETZ_LOGIN_PASSWORD"
#: Wrong passwords in a row before an account is locked; the lock then lasts LOCK_MINUTES, doubling.
MAX_FAILURES = 5
LOCK_MINUTES = 2
MAX_LOCK_MINUTES = 60
_hasher = PasswordHasher()


class NotConfigured(InputError):
    """Neither accounts nor an explicit single-user setup: nobody is let in."""


class LockedOut(InputError):
    """Too many wrong passwords for this account; try again later."""


def accounts_path() -> Path:
    if os.environ.get(ENV_ACCOUNTS):
        return Path(os.environ[ENV_ACCOUNTS])
    from platformdirs import user_config_path

    return user_config_path("buendnisnetz") / "accounts.json"


def path_is_default() -> bool:
    return not os.environ.get(ENV_ACCOUNTS)


def load_config(path: Path | None = None) -> dict:
    """The whole accounts file (``{}`` when it does not exist)."""
    path = path or accounts_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"Kontendatei {path} ist nicht lesbar: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"Kontendatei {path} ist nicht lesbar: kein JSON-Objekt")
    return data


def load(path: Path | None = None) -> dict[str, dict]:
    """The accounts by name."""
    return load_config(path).get("users", {})


def save_config(data: dict, path: Path | None = None) -> None:
    path = path or accounts_path()
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, ensure_ascii=False, indent=2))
    os.chmod(tmp, 0o600)
    tmp.replace(path)  # atomic: a crash never leaves half an accounts file


def save(users: dict[str, dict], path: Path | None = None) -> None:
    data = load_config(path)
    data["users"] = users
    if users:
        data.pop("single_user", None)
    save_config(data, path)


def mode(path: Path | None = None) -> str:
    """``accounts``, ``single-user`` (recorded explicitly) or ``unset`` (no usable setup)."""
    data = load_config(path)
    if data.get("users"):
        return "accounts"
    if data.get("single_user") is True:
        return "single-user"
    return "unset"


def not_configured_message(path: Path | None = None) -> str:
    path = path or accounts_path()
    where = "fehlt" if not path.exists() else "enthält keine Konten"
    return (f"Keine Anmeldung eingerichtet: die Kontendatei {path} {where}. "
            "Einzelplatz (eine Person, Administration): buendnisnetz init --single-user; "
            "mit Konten: buendnisnetz user add NAME --role admin. "
            f"Ist {ENV_ACCOUNTS} richtig gesetzt?")


def set_single_user(path: Path | None = None) -> Path:
    """Record the explicit choice of a single-user installation; refused once accounts exist."""
    path = path or accounts_path()
    data = load_config(path)
    if data.get("users"):
        raise InputError(f"In {path} sind schon Konten angelegt; Einzelplatzbetrieb ist nicht möglich")
    data["single_user"] = True
    data.setdefault("users", {})
    save_config(data, path)
    return path


def user_from(name: str, entry: dict) -> User:
    return User(name, entry["role"], entry.get("office"), entry.get("kreis"))


def set_account(name: str, password: str, role: str, *, office: str | None = None, kreis: str | None = None,
                path: Path | None = None) -> User:
    """Create or update an account (the password is hashed, never stored)."""
    if role not in ROLES:
        raise InputError(f"Rolle {role!r} unbekannt; erlaubt: {', '.join(ROLES)}")
    if role == "office" and not office:
        raise InputError("Rolle office braucht --office (Servicebüro-Kennung)")
    if role == "coordinator" and not (kreis and len(kreis) == 5 and kreis.isdigit()):
        raise InputError("Rolle coordinator braucht --kreis (5-stelliger AGS)")
    if len(password) < 10:
        raise InputError("Passwort zu kurz (mindestens 10 Zeichen)")
    users = load(path)
    users[name] = {"role": role, "office": office if role == "office" else None,
                   "kreis": kreis if role == "coordinator" else None, "hash": _hasher.hash(password)}
    save(users, path)
    return user_from(name, users[name])


def active_admins(users: dict[str, dict]) -> list[str]:
    return [n for n, e in users.items() if e.get("role") == "admin" and not e.get("disabled")]


def _keep_an_admin(users: dict[str, dict], name: str) -> None:
    if active_admins(users) == [name]:
        raise InputError(f"{name} ist das letzte aktive Admin-Konto; legen Sie zuerst ein weiteres an")


def remove_account(name: str, path: Path | None = None) -> None:
    users = load(path)
    if name not in users:
        raise InputError(f"Konto {name!r} gibt es nicht")
    _keep_an_admin(users, name)
    del users[name]
    data = load_config(path)
    data["users"] = users
    data.get("failures", {}).pop(name, None)
    save_config(data, path)


def set_disabled(name: str, disabled: bool = True, path: Path | None = None) -> None:
    users = load(path)
    if name not in users:
        raise InputError(f"Konto {name!r} gibt es nicht")
    if disabled:
        _keep_an_admin(users, name)
    users[name]["disabled"] = disabled
    save(users, path)


def cli_password_required(path: Path | None = None) -> bool:
    return (os.environ.get(ENV_CLI_PASSWORD, "").strip().lower() == "required"
            or load_config(path).get("cli_password") == "required")


def set_cli_password(required: bool, path: Path | None = None) -> None:
    data = load_config(path)
    if required:
        data["cli_password"] = "required"
    else:
        data.pop("cli_password", None)
    save_config(data, path)


def _lock_left(failure: dict, now: float) -> float:
    """Seconds an account stays locked after `failure` (``{"count", "last"}``); 0 when not locked."""
    count = failure.get("count", 0)
    if count < MAX_FAILURES:
        return 0.0
    minutes = min(LOCK_MINUTES * 2 ** (count - MAX_FAILURES), MAX_LOCK_MINUTES)
    return max(0.0, failure.get("last", 0) + minutes * 60 - now)


def failures(name: str, path: Path | None = None) -> int:
    return load_config(path).get("failures", {}).get(name, {}).get("count", 0)


def _record(name: str, ok: bool, path: Path | None) -> None:
    data = load_config(path)
    if not data:
        return  # no file: nothing to protect, nothing to write
    table = data.setdefault("failures", {})
    if ok:
        if table.pop(name, None) is None:
            return
    else:
        entry = table.setdefault(name, {"count": 0, "last": 0})
        entry["count"] += 1
        entry["last"] = time.time()
        if len(table) > 1000:  # unknown names must not grow the file without end
            for old in sorted(table, key=lambda n: table[n]["last"])[:len(table) - 1000]:
                del table[old]
    save_config(data, path)


def authenticate(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when name and password match, else None (no hint which one was wrong).

    Raises :class:`LockedOut` while the name is locked after too many failures
    (the same for unknown names, so the answer says nothing about which exist).
    """
    data = load_config(path)
    left = _lock_left(data.get("failures", {}).get(name, {}), time.time())
    if left > 0:
        minutes = int(left // 60) + 1
        raise LockedOut(f"Zu viele Fehlversuche: Anmeldung für {name} noch {minutes} Minute(n) gesperrt")
    entry = data.get("users", {}).get(name)
    ok = False
    if entry is None:
        _hasher.hash(password)  # same cost either way: no user enumeration by timing
    else:
        try:
            ok = _hasher.verify(entry["hash"], password) and not entry.get("disabled")
        except (VerificationError, InvalidHashError):
            ok = False
    _record(name, ok, path)
    return user_from(name, entry) if ok else None


def resolve(name: str, path: Path | None = None, *, password: str | None = None) -> User:
    """The acting user for the CLI.

    Single-user installs (recorded explicitly) act as admin; with accounts the
    name must be an active account, and when the installation requires it the
    password must match. Without either, nobody is let in (:class:`NotConfigured`).
    """
    how = mode(path)
    if how == "unset":
        raise NotConfigured(not_configured_message(path))
    if how == "single-user":
        return User(name, "admin")
    entry = load(path).get(name)
    if entry is None:
        raise InputError(f"Benutzer {name!r} ist nicht angelegt (buendnisnetz user add ...)")
    if entry.get("disabled"):
        raise InputError(f"Konto {name!r} ist gesperrt")
    if cli_password_required(path):
        if password is None:
            raise InputError(f"Diese Installation verlangt ein Passwort auf der Kommandozeile: am Terminal "
                             f"eingeben oder {ENV_LOGIN_PASSWORD} setzen")
        user = authenticate(name, password, path)
        if user is None:
            raise InputError(f"Anmeldung als {name} fehlgeschlagen")
        return user
    return user_from(name, entry)
