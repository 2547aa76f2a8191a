"""The addon's settings, read once per use from system parameters into plain values.

The Client Secret is stored encrypted (models/secret_box.py); it is decrypted here, and only
here, for the sign-in.
"""

from dataclasses import dataclass
from datetime import timedelta

from odoo import fields

from ..engine.endpoints import endpoints_for
from ..engine.planner import ConflictPolicy, Direction
from .secret_box import SecretKeyUnavailable, SecretUnreadable, unseal

PARAM = "outlook_calendar_sync.%s"
REDIRECT_PATH = "/microsoft_account/authentication"


@dataclass(frozen=True)
class OutlookSettings:
    enabled: bool
    client_id: str
    client_secret: str
    tenant: str
    direction: Direction
    policy: ConflictPolicy
    interval_minutes: int
    days_back: int
    days_ahead: int
    paused: bool
    cloud: str
    authority_url: str
    graph_url: str
    allow_custom_hosts: bool
    ca_bundle: str
    redirect_uri: str
    # The stored Client Secret was encrypted with another key (a copied database): the
    # synchronization says so instead of looking unconfigured.
    client_secret_unreadable: bool = False

    @property
    def configured(self):
        return self.enabled and bool(
            self.client_id and (self.client_secret or self.client_secret_unreadable))

    def endpoints(self):
        """Validated Microsoft endpoints; raises ConfigurationError with what to fix."""
        return endpoints_for(
            self.cloud or "global",
            authority_base=self.authority_url or None,
            graph_base=self.graph_url or None,
            tenant=self.tenant or "common",
            allow_custom_hosts=self.allow_custom_hosts,
            verify=self.ca_bundle or True,
        )

    def window(self, now=None):
        """The span of time that is synchronized, around `now`."""
        now = now or fields.Datetime.now()
        return now - timedelta(days=self.days_back), now + timedelta(days=self.days_ahead)


def _int(value, default):
    """A number from a system parameter; unset (False) or unreadable gives the default."""
    try:
        return int(value) if value not in (None, False, "") else default
    except (TypeError, ValueError):
        return default


def _client_secret(env, stored):
    """(the Client Secret, whether the stored one could not be decrypted)"""
    try:
        return (unseal(env, stored) or "").strip(), False
    except (SecretUnreadable, SecretKeyUnavailable):
        return "", True


def read_settings(env):
    get = env["ir.config_parameter"].sudo().get_param
    client_secret, client_secret_unreadable = _client_secret(env, get(PARAM % "client_secret"))
    base_url = (get("web.base.url") or "").rstrip("/")
    direction = get(PARAM % "sync_direction") or Direction.BOTH.value
    policy = get(PARAM % "conflict_policy") or ConflictPolicy.MOST_RECENT.value
    return OutlookSettings(
        enabled=bool(get(PARAM % "enabled")),
        client_id=(get(PARAM % "client_id") or "").strip(),
        client_secret=client_secret,
        tenant=(get(PARAM % "tenant") or "common").strip(),
        direction=Direction(direction) if direction in Direction._value2member_map_
        else Direction.BOTH,
        policy=ConflictPolicy(policy) if policy in ConflictPolicy._value2member_map_
        else ConflictPolicy.MOST_RECENT,
        interval_minutes=max(1, _int(get(PARAM % "sync_interval"), 15)),
        days_back=max(0, _int(get(PARAM % "days_back"), 30)),
        days_ahead=max(1, _int(get(PARAM % "days_ahead"), 365)),
        paused=bool(get(PARAM % "paused")),
        cloud=get(PARAM % "cloud") or "global",
        authority_url=(get(PARAM % "authority_url") or "").strip(),
        graph_url=(get(PARAM % "graph_url") or "").strip(),
        allow_custom_hosts=bool(get(PARAM % "allow_custom_hosts")),
        ca_bundle=(get(PARAM % "ca_bundle") or "").strip(),
        redirect_uri=base_url + REDIRECT_PATH,
        client_secret_unreadable=client_secret_unreadable,
    )
