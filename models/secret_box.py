"""Encryption at rest of what opens a mailbox: Microsoft tokens, the pending sign-in (its PKCE
verifier), delta links and the Client Secret (the same values are hidden from the log lines
of the libraries the addon uses: models/log_redaction.py).

The key is kept outside the database, so that a copy of the database (a backup shared for
support, a test copy) cannot reach any mailbox. It is, first match wins:

1. the ``outlook_sync_key`` option of the Odoo server configuration file;
2. the ``OUTLOOK_SYNC_KEY`` environment variable of the Odoo server;
3. a key file created on first use in Odoo's data directory (``outlook_calendar_sync/sync.key``
   under ``data_dir``, readable by the server's user only). Odoo's database backups do not
   hold it: the filestore is in another folder.

A key of the option or the variable is a random string of at least 32 characters; several
keys separated by commas let a key be replaced: the first one encrypts, all of them decrypt.
The encryption key of each database is derived from the server key and the database's
``database.uuid``: a duplicate of the database, or a backup restored as a copy (both get a new
uuid), cannot decrypt either, even on the same server.

Values are stored as ``PREFIX + Fernet token`` (AES-128-CBC and HMAC-SHA256, from the
``cryptography`` library Odoo depends on). A value without the prefix is a plain value stored
before encryption existed: it is read as it is, and encrypted on upgrade.
"""

import base64
import logging
import os
import secrets
import tempfile
import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import config

_logger = logging.getLogger(__name__)

PREFIX = "ocs-sealed:v1:"
CONFIG_OPTION = "outlook_sync_key"
ENV_VARIABLE = "OUTLOOK_SYNC_KEY"
KEY_FOLDER = "outlook_calendar_sync"
KEY_FILE = "sync.key"
MIN_KEY_LENGTH = 32

_lock = threading.Lock()
_file_keys = {}  # key file path -> its key, read once per process
_boxes = {}  # (server keys, database uuid) -> MultiFernet
_generation = [0]  # forget_cached_keys() makes every registry read its database uuid again


class SecretKeyUnavailable(Exception):
    """No usable server key: nothing can be encrypted or decrypted."""


class SecretUnreadable(Exception):
    """A stored value was encrypted with another key (a copied database, a changed key)."""


# -- the key -----------------------------------------------------------------------------


def key_file_path():
    data_dir = config.get("data_dir")
    return data_dir and os.path.join(data_dir, KEY_FOLDER, KEY_FILE)


def _configured_keys():
    value = config.get(CONFIG_OPTION) or os.environ.get(ENV_VARIABLE) or ""
    keys = tuple(key.strip() for key in str(value).split(",") if key.strip())
    if keys and any(len(key) < MIN_KEY_LENGTH for key in keys):
        raise SecretKeyUnavailable(
            f"the {CONFIG_OPTION} option (or {ENV_VARIABLE}) must be at least "
            f"{MIN_KEY_LENGTH} characters long")
    return keys


def _key_from_file():
    path = key_file_path()
    if not path:
        raise SecretKeyUnavailable("no data directory and no key configured")
    with _lock:
        if path not in _file_keys:
            _file_keys[path] = _read_or_create_key_file(path)
        return _file_keys[path]


def _read_or_create_key_file(path):
    try:
        with open(path, encoding="ascii") as key_file:
            key = key_file.read().strip()
    except FileNotFoundError:
        key = None
    except OSError as error:
        raise SecretKeyUnavailable(f"the key file cannot be read ({type(error).__name__})") \
            from None
    if key:
        if len(key) < MIN_KEY_LENGTH:
            raise SecretKeyUnavailable("the key file holds a key that is too short")
        return key
    # Written aside, then linked into place: another worker never reads half a key, and when
    # two workers create one at once, the first one wins and both use it.
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".sync-key-")
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as key_file:
                key_file.write(secrets.token_urlsafe(48) + "\n")
            try:
                os.link(temporary, path)
                _logger.info("Outlook Calendar Sync created its encryption key in Odoo's data "
                             "directory: keep it with the server's backups, not with the "
                             "database's")
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
        with open(path, encoding="ascii") as key_file:
            return key_file.read().strip()
    except OSError as error:
        raise SecretKeyUnavailable(
            f"the key file cannot be created ({type(error).__name__})") from None


def server_keys():
    """The server's keys, newest first; raises SecretKeyUnavailable."""
    return _configured_keys() or (_key_from_file(),)


def _database_uuid(env):
    # Kept on the registry: a database restored or duplicated gets a registry of its own.
    registry = env.registry
    generation, uuid = getattr(registry, "_outlook_sync_database_uuid", (None, None))
    if generation != _generation[0]:
        # Plain SQL: this runs while the ORM flushes, it must not flush again.
        env.cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'")
        row = env.cr.fetchone()
        uuid = (row and row[0]) or ""
        registry._outlook_sync_database_uuid = (_generation[0], uuid)
    return uuid


def _derive(server_key, database_uuid):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"outlook_calendar_sync",
               info=f"database:{database_uuid}".encode()).derive(server_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _box(env):
    keys, uuid = server_keys(), _database_uuid(env)
    box = _boxes.get((keys, uuid))
    if box is None:
        box = _boxes[(keys, uuid)] = MultiFernet([_derive(key, uuid) for key in keys])
    return box


def forget_cached_keys():
    """Read the keys and the database uuid again (after a change of configuration)."""
    with _lock:
        _file_keys.clear()
        _boxes.clear()
        _generation[0] += 1


# -- values ------------------------------------------------------------------------------


def is_sealed(value):
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(env, value):
    """`value` encrypted for storage; empty values and sealed values are kept as they are."""
    if not value or is_sealed(value):
        return value
    token = _box(env).encrypt(str(value).encode())
    return PREFIX + token.decode("ascii")


def unseal(env, value):
    """The plain value of a stored one; raises SecretUnreadable or SecretKeyUnavailable."""
    if not is_sealed(value):
        return value  # empty, or stored plain before encryption existed
    try:
        return _box(env).decrypt(value[len(PREFIX):].encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretUnreadable("encrypted with another key") from None


def unseal_or_false(env, value):
    """Like unseal, but an unreadable value reads as empty."""
    try:
        return unseal(env, value)
    except (SecretUnreadable, SecretKeyUnavailable):
        return False


def seal_or_raise(env, value):
    """Like seal, but a missing key is a UserError that tells the administrator what to set."""
    try:
        return seal(env, value)
    except SecretKeyUnavailable:
        raise UserError(key_problem(env)) from None


def key_problem(env):
    """Why nothing can be encrypted on this server, in words for an administrator; or None."""
    try:
        _box(env)
    except SecretKeyUnavailable:
        return env._(
            "Outlook Calendar Sync has no encryption key on this server, so it cannot store "
            "Microsoft sign-ins safely. An administrator must set the outlook_sync_key option "
            "in the Odoo server configuration file (or the OUTLOOK_SYNC_KEY environment "
            "variable) to a random text of at least 32 characters, and restart Odoo.")
    return None


def seal_stored_values(env):
    """Encrypt what was stored plain before encryption existed (run on upgrade); returns how
    many values were encrypted."""
    cr, count = env.cr, 0
    env.flush_all()
    cr.execute("SELECT id, token_cache, sign_in_flow, delta_link FROM outlook_account")
    for account_id, *values in cr.fetchall():
        sealed = [seal(env, value) for value in values]
        if sealed != values:
            count += sum(1 for old, new in zip(values, sealed, strict=True) if old != new)
            cr.execute("UPDATE outlook_account SET token_cache = %s, sign_in_flow = %s, "
                       "delta_link = %s WHERE id = %s", [*sealed, account_id])
    cr.execute("SELECT id, value FROM ir_config_parameter WHERE key = %s",
               ["outlook_calendar_sync.client_secret"])
    for param_id, value in cr.fetchall():
        if seal(env, value) != value:
            count += 1
            cr.execute("UPDATE ir_config_parameter SET value = %s WHERE id = %s",
                       [seal(env, value), param_id])
    # Settings screens saved before: their rows still hold the secret as it was typed.
    cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'res_config_settings'"
               " AND column_name = 'outlook_client_secret'")
    if cr.fetchone():
        cr.execute("UPDATE res_config_settings SET outlook_client_secret = NULL "
                   "WHERE outlook_client_secret IS NOT NULL "
                   "AND outlook_client_secret NOT LIKE %s", [PREFIX + "%"])
        count += cr.rowcount
    env.invalidate_all()
    env.registry.clear_cache()
    return count


# -- fields ------------------------------------------------------------------------------


class _Sealed:
    """A field stored encrypted: plain in Python, encrypted in the database (and so in every
    SQL statement Odoo writes, logged or not)."""

    def convert_to_column(self, value, record, values=None, validate=True):
        value = super().convert_to_column(value, record, values, validate)
        return seal_or_raise(record.env, value) if value else value

    def convert_to_record(self, value, record):
        value = super().convert_to_record(value, record)
        return unseal_or_false(record.env, value) if is_sealed(value) else value


class SealedText(_Sealed, fields.Text):
    """A Text field stored encrypted."""


class SealedChar(_Sealed, fields.Char):
    """A Char field stored encrypted."""
