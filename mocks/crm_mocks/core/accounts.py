"""Accounts and users of a mock, loaded from a JSON accounts file.

One file format serves every vendor:

    {"accounts": [{"id": "demo", "name": "Demo Ltd",
                   "users": [{"id": 1, "label": "demo", "name": "Demo User",
                              "email": "demo@example.com",
                              "credentials": {"token": "demo-token"},
                              "permissions": ["canedit"], "profile": {...}}]}]}

`credentials` holds whatever the vendor authenticates with (a token, a department key, an e-mail
and password); the vendor module says which keys form the lookup secret. `label` names a demo
user for tests and docs. Credentials are secrets: they never appear in reprs, logs or errors.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any


class AccountsFileError(ValueError):
    """The accounts file is missing, not JSON, or not of the documented shape."""


@dataclass(frozen=True)
class User:
    id: int
    account: str
    label: str
    name: str
    email: str
    permissions: frozenset[str]
    profile: Mapping[str, Any] = field(default_factory=dict)
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    users: tuple[User, ...]
    profile: Mapping[str, Any] = field(default_factory=dict)


SecretOf = Callable[[Mapping[str, str]], str]


class Directory:
    """Finds the user a request's secret belongs to, comparing in constant time."""

    def __init__(self, accounts: Iterable[Account], secret_of: SecretOf) -> None:
        self.accounts = {a.id: a for a in accounts}
        self._secret_of = secret_of
        self._by_secret: list[tuple[bytes, User]] = []
        for account in self.accounts.values():
            for user in account.users:
                self._by_secret.append((secret_of(user.credentials).encode(), user))

    def __repr__(self) -> str:
        return f"Directory(accounts={sorted(self.accounts)})"

    def authenticate(self, secret: str | None) -> User | None:
        if not secret:
            return None
        candidate = secret.encode()
        found = None
        for stored, user in self._by_secret:
            # no early exit: the time taken does not depend on which user matched
            if hmac.compare_digest(stored, candidate):
                found = user
        return found

    def users(self, account: str) -> tuple[User, ...]:
        return self.accounts[account].users

    def user(self, label: str) -> User:
        for account in self.accounts.values():
            for user in account.users:
                if user.label == label:
                    return user
        raise KeyError(label)


def _parse_user(account: str, raw: Mapping[str, Any], where: str) -> User:
    try:
        return User(
            id=int(raw["id"]),
            account=account,
            label=str(raw.get("label") or raw["id"]),
            name=str(raw.get("name", "")),
            email=str(raw.get("email", "")),
            permissions=frozenset(str(p) for p in raw.get("permissions", [])),
            profile=dict(raw.get("profile", {})),
            credentials={str(k): str(v) for k, v in dict(raw["credentials"]).items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AccountsFileError(
            f"{where}: a user needs an integer id and credentials ({exc})"
        ) from None


def parse_accounts(document: Any, where: str = "accounts file") -> list[Account]:
    if not isinstance(document, dict) or not isinstance(document.get("accounts"), list):
        raise AccountsFileError(f'{where}: expected an object with an "accounts" list')
    accounts = []
    for i, raw in enumerate(document["accounts"]):
        if not isinstance(raw, dict) or "id" not in raw or not isinstance(raw.get("users"), list):
            raise AccountsFileError(f"{where}: accounts[{i}] needs an id and a users list")
        account_id = str(raw["id"])
        users = tuple(
            _parse_user(account_id, u, f"{where}: accounts[{i}].users[{j}]")
            for j, u in enumerate(raw["users"])
        )
        accounts.append(
            Account(
                account_id, str(raw.get("name", account_id)), users, dict(raw.get("profile", {}))
            )
        )
    return accounts


def load_accounts(vendor: str, path: str | Path | None = None) -> list[Account]:
    """Read an accounts file, or the vendor's shipped demo accounts when no path is given."""
    if path is None:
        text = resources.files("crm_mocks").joinpath(f"accounts/{vendor}.json").read_text("utf-8")
        where = f"default {vendor} accounts"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise AccountsFileError(f"cannot read accounts file {path}: {exc.strerror}") from None
        where = str(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AccountsFileError(
            f"{where}: not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    return parse_accounts(document, where)
