"""The mail passwords: never in campaign.xlsx. Taken from an environment variable
(``SHEETS_TOOLS_SMTP_PASSWORD``, ``SHEETS_TOOLS_IMAP_PASSWORD``), else from the system's credential
store through keyring (Windows Credential Manager, macOS Keychain, Secret Service on Linux), where
``sheets-tools mail password DIR`` saves them."""
from __future__ import annotations

import os
from typing import Literal

import keyring
from keyring.errors import KeyringError

from sheets_tools.campaign.mail_settings import MailSettings

Service = Literal["smtp", "imap"]
KEYRING_SERVICE = "sheets-tools"


class PasswordStoreError(Exception):
    """The credential store cannot keep or give a password (no backend, locked, refused)."""


def env_name(service: Service) -> str:
    return f"SHEETS_TOOLS_{service.upper()}_PASSWORD"


def account(service: Service, user: str, host: str) -> str:
    """The name a password is kept under in the credential store: one per server and login."""
    return f"{service}:{user}@{host}"


def get_password(service: Service, user: str, host: str) -> str | None:
    """The password of ``user`` on ``host``: the environment variable first, then the credential store;
    None when neither has one (a store that cannot be read counts as having none)."""
    value = os.environ.get(env_name(service))
    if value:
        return value
    try:
        return keyring.get_password(KEYRING_SERVICE, account(service, user, host))
    except (KeyringError, RuntimeError, OSError):
        return None


def save_password(service: Service, user: str, host: str, password: str) -> str:
    """Keep ``password`` in the system's credential store; returns the store's name. Raises
    PasswordStoreError (with the store's own words) when it cannot."""
    backend = keyring.get_keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, account(service, user, host), password)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise PasswordStoreError(f"{type(backend).__name__}: {exc}") from exc
    return type(backend).__name__


def login_of(settings: MailSettings, service: Service) -> tuple[str, str]:
    """(user, host) of the SMTP or IMAP login of a campaign's mail settings."""
    if service == "imap":
        return settings.imap_user, settings.imap_host
    return settings.smtp_user, settings.smtp_host
