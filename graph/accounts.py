"""Local user accounts for the app and the CLI: names, roles, Argon2 password hashes.

Accounts live in a small JSON file (``$BUENDNISNETZ_ACCOUNTS``, default: the
per-user config directory), apart from the graph, so the same accounts work for
the embedded store and for Neo4j. Passwords are stored only as salted Argon2id
hashes (argon2-cffi). An organisation with single sign-on plugs in OIDC through
Streamlit's ``st.login`` instead (see README).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .access import ROLES, User
from .errors import InputError

ENV_ACCOUNTS = "BUENDNISNETZ_ACCOUNTS"
_hasher = PasswordHasher()


def accounts_path() -> Path:
    if os.environ.get(ENV_ACCOUNTS):
        return Path(os.environ[ENV_ACCOUNTS])
    from platformdirs import user_config_path

    return user_config_path("buendnisnetz") / "accounts.json"


def load(path: Path | None = None) -> dict[str, dict]:
    path = path or accounts_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"Kontendatei {path} ist nicht lesbar: {exc}") from exc
    return data.get("users", {})


def save(users: dict[str, dict], path: Path | None = None) -> None:
    path = path or accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"users": users}, ensure_ascii=False, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)  # atomic: a crash never leaves half an accounts file


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
    users[name] = {"role": role, "office": office, "kreis": kreis, "hash": _hasher.hash(password)}
    save(users, path)
    return user_from(name, users[name])


def authenticate(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when name and password match, else None (no hint which one was wrong)."""
    entry = load(path).get(name)
    if entry is None:
        _hasher.hash(password)  # same cost either way: no user enumeration by timing
        return None
    try:
        _hasher.verify(entry["hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return user_from(name, entry)


def resolve(name: str, path: Path | None = None) -> User:
    """The acting user for the CLI: an account when one exists under that name.

    Without any accounts file the CLI acts as admin (a single-user install on the
    embedded store); once accounts exist, an unknown name is refused.
    """
    users = load(path)
    if not users:
        return User(name, "admin")
    if name not in users:
        raise InputError(f"Benutzer {name!r} ist nicht angelegt (buendnisnetz user add ...)")
    return user_from(name, users[name])
