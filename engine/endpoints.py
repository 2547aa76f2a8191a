"""Where to sign in and where Graph lives: Microsoft's clouds, or an allowed custom host.

The login authority and the Graph base are settings so that national clouds and a local
test server work too. Anything that is not one of Microsoft's hosts is refused unless the
administrator explicitly allowed custom hosts, so a mistyped or malicious address never
receives the client secret or users' tokens.
"""

import ipaddress
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ConfigurationError
from .i18n import Text, _lt


@dataclass(frozen=True)
class Endpoints:
    authority_base: str  # e.g. "https://login.microsoftonline.com"
    graph_base: str  # e.g. "https://graph.microsoft.com/v1.0"
    tenant: str = "common"
    verify: bool | str = True  # True, or the path of a CA bundle (private test servers)

    @property
    def authority(self):
        return f"{self.authority_base}/{self.tenant}"


# Microsoft's national clouds: https://learn.microsoft.com/graph/deployments
CLOUDS = {
    "global": Endpoints("https://login.microsoftonline.com", "https://graph.microsoft.com/v1.0"),
    "usgov": Endpoints("https://login.microsoftonline.us", "https://graph.microsoft.us/v1.0"),
    "usgov_dod": Endpoints(
        "https://login.microsoftonline.us", "https://dod-graph.microsoft.us/v1.0"
    ),
    "china": Endpoints(
        "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/v1.0"
    ),
}

# Hosts trusted without the "allow custom hosts" setting (the clouds above and their aliases).
MICROSOFT_LOGIN_HOSTS = frozenset(
    {
        "login.microsoftonline.com",
        "login.microsoft.com",
        "login.microsoftonline.us",
        "login.chinacloudapi.cn",
        "login.partner.microsoftonline.cn",
    }
)
MICROSOFT_GRAPH_HOSTS = frozenset(
    {
        "graph.microsoft.com",
        "graph.microsoft.us",
        "dod-graph.microsoft.us",
        "microsoftgraph.chinacloudapi.cn",
    }
)
LOOPBACK_NAMES = frozenset({"localhost"})

_SPECIAL_TENANTS = frozenset({"common", "organizations", "consumers"})
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def endpoints_for(
    cloud="global",
    *,
    authority_base=None,
    graph_base=None,
    tenant="common",
    allow_custom_hosts=False,
    verify=True,
):
    """Validated endpoints of a cloud, optionally with custom login or Graph addresses."""
    if cloud not in CLOUDS:
        raise _wrong(_lt('Unknown Microsoft cloud "%(cloud)s". Set the system parameter '
                         "outlook_calendar_sync.cloud to one of %(known)s."),
                     cloud=cloud, known=", ".join(sorted(CLOUDS)))
    defaults = CLOUDS[cloud]
    authority = _check_base(
        authority_base or defaults.authority_base,
        _lt("Login address"),
        MICROSOFT_LOGIN_HOSTS,
        allow_custom_hosts,
        https_only=True,
    )
    graph = _check_base(
        graph_base or defaults.graph_base,
        _lt("Microsoft Graph address"),
        MICROSOFT_GRAPH_HOSTS,
        allow_custom_hosts,
        https_only=False,
    )
    if not urlsplit(graph).path:
        graph += "/v1.0"  # The version is part of every Graph URL.
    return Endpoints(authority, graph, _check_tenant(tenant), verify)


def is_loopback(host):
    """True for this machine's own addresses (127.0.0.0/8, ::1, localhost)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_base(url, label, microsoft_hosts, allow_custom_hosts, https_only):
    """The URL without trailing slash, or a ConfigurationError saying what to fix.

    ``label`` names the setting; messages start with it so that it reads as a field name.
    """
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    label = Text(label)
    if not host or parts.scheme not in ("http", "https"):
        raise _wrong(_lt('%(label)s: "%(url)s" is not a web address. Enter it like '
                         '"https://host/path" in the system parameters (Settings > '
                         'Technical > System Parameters).'), label=label, url=url)
    if parts.query or parts.fragment or parts.username or parts.password:
        raise _wrong(_lt("%(label)s: the address must not contain credentials, a query or a "
                         "fragment. Remove them in the system parameters (Settings > "
                         "Technical > System Parameters)."), label=label)
    loopback = is_loopback(host)
    if host not in microsoft_hosts and not allow_custom_hosts:
        raise _not_microsoft(label, host, loopback)
    if parts.scheme != "https" and (https_only or not loopback):
        raise _wrong(_HTTPS_ONLY if https_only else _HTTP_ON_LOOPBACK_ONLY, label=label)
    return url


_HTTPS_ONLY = _lt("%(label)s: the address must start with https:// (Microsoft's sign-in "
                  "library only accepts https, even on a test server). Correct it in the "
                  "system parameters (Settings > Technical > System Parameters).")
_HTTP_ON_LOOPBACK_ONLY = _lt("%(label)s: the address must start with https:// (plain http is "
                             "only accepted for a test server on this machine). Correct it in "
                             "the system parameters (Settings > Technical > System "
                             "Parameters).")


def _not_microsoft(label, host, loopback):
    if loopback:
        return _wrong(_lt("%(label)s: the address is this machine's own address, which is not "
                          "a Microsoft host. Use the Microsoft cloud addresses, or, if this "
                          "server is trusted (for example a local test server), set the system "
                          "parameter outlook_calendar_sync.allow_custom_hosts to True."),
                      label=label)
    return _wrong(_lt('%(label)s: "%(host)s" is not a Microsoft host. Use the Microsoft cloud '
                      "addresses, or, if this server is trusted (for example a local test "
                      "server), set the system parameter outlook_calendar_sync."
                      "allow_custom_hosts to True."), label=label, host=host)


def _wrong(message, **params):
    """A setting to fix: ``message`` (marked with ``_lt``) says which and how."""
    return ConfigurationError(text=Text(message, **params))


def _check_tenant(tenant):
    value = (tenant or "common").strip().lower()
    if value in _SPECIAL_TENANTS or _DOMAIN.match(value):
        return value
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise _wrong(_lt('The tenant "%(tenant)s" is not valid. In Calendar settings, use '
                         '"common" (work and personal accounts), "organizations", "consumers", '
                         "your directory (tenant) ID or its domain name such as "
                         "contoso.onmicrosoft.com."), tenant=str(tenant)) from None
