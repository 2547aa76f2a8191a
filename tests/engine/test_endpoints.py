"""Endpoint settings: Microsoft's clouds by default, custom hosts only when allowed."""

import pytest

from engine.endpoints import CLOUDS, Endpoints, endpoints_for
from engine.errors import ConfigurationError

TENANT_GUID = "72F988BF-86F1-41AF-91AB-2D7CD011DB47"


def test_default_is_microsoft_public_cloud():
    endpoints = endpoints_for()
    assert endpoints.authority == "https://login.microsoftonline.com/common"
    assert endpoints.graph_base == "https://graph.microsoft.com/v1.0"
    assert endpoints.verify is True


@pytest.mark.parametrize(
    "cloud, authority, graph",
    [
        ("usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us/v1.0"),
        ("usgov_dod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us/v1.0"),
        (
            "china",
            "https://login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
        ),
    ],
)
def test_national_clouds(cloud, authority, graph):
    endpoints = endpoints_for(cloud, tenant="organizations")
    assert endpoints == Endpoints(authority, graph, "organizations")
    assert endpoints.authority == f"{authority}/organizations"


def test_every_cloud_passes_its_own_validation():
    for name, cloud in CLOUDS.items():
        assert endpoints_for(name) == cloud


def test_unknown_cloud_lists_the_choices():
    with pytest.raises(ConfigurationError) as info:
        endpoints_for("mars")
    assert "global" in info.value.user_message and "china" in info.value.user_message


@pytest.mark.parametrize(
    "tenant, expected",
    [
        ("common", "common"),
        ("Organizations", "organizations"),
        ("consumers", "consumers"),
        ("contoso.onmicrosoft.com", "contoso.onmicrosoft.com"),
        ("Example.COM", "example.com"),
        (TENANT_GUID, TENANT_GUID.lower()),
        ("", "common"),
    ],
)
def test_valid_tenants(tenant, expected):
    assert endpoints_for(tenant=tenant).tenant == expected


@pytest.mark.parametrize(
    "tenant", ["contoso", "72f988bf-86f1-41af", "../common", "a b.com", "common/oauth2"]
)
def test_invalid_tenant_says_what_is_accepted(tenant):
    with pytest.raises(ConfigurationError) as info:
        endpoints_for(tenant=tenant)
    message = info.value.user_message
    assert "common" in message and "Calendar settings" in message


def test_custom_host_refused_unless_allowed():
    with pytest.raises(ConfigurationError) as info:
        endpoints_for(graph_base="https://graph.example.net/v1.0")
    assert "graph.example.net" in info.value.user_message
    assert "outlook_calendar_sync.allow_custom_hosts" in info.value.user_message
    endpoints = endpoints_for(graph_base="https://graph.example.net/v1.0", allow_custom_hosts=True)
    assert endpoints.graph_base == "https://graph.example.net/v1.0"


def test_custom_login_host_refused_unless_allowed():
    with pytest.raises(ConfigurationError):
        endpoints_for(authority_base="https://login.example.net")
    endpoints = endpoints_for(
        authority_base="https://login.example.net/", allow_custom_hosts=True, tenant="consumers"
    )
    assert endpoints.authority == "https://login.example.net/consumers"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.2"])
def test_loopback_needs_permission_and_may_use_http_for_graph(host):
    url = f"http://{host}:8069/v1.0"
    with pytest.raises(ConfigurationError) as info:
        endpoints_for(graph_base=url)
    assert "this machine" in info.value.user_message
    assert endpoints_for(graph_base=url, allow_custom_hosts=True).graph_base == url


def test_login_address_needs_https_even_on_loopback():
    # msal refuses any other authority, so this is caught when the settings are saved.
    with pytest.raises(ConfigurationError) as info:
        endpoints_for(authority_base="http://127.0.0.1:8000", allow_custom_hosts=True)
    assert "https://" in info.value.user_message
    endpoints = endpoints_for(
        authority_base="https://127.0.0.1:8443", allow_custom_hosts=True, verify="/ca.pem"
    )
    assert endpoints.authority == "https://127.0.0.1:8443/common"
    assert endpoints.verify == "/ca.pem"


@pytest.mark.parametrize(
    "graph_base",
    [
        "http://graph.microsoft.com/v1.0",  # Microsoft host without TLS
        "http://graph.example.net/v1.0",  # custom host without TLS
    ],
)
def test_plain_http_refused_off_loopback(graph_base):
    with pytest.raises(ConfigurationError) as info:
        endpoints_for(graph_base=graph_base, allow_custom_hosts=True)
    assert "https://" in info.value.user_message


@pytest.mark.parametrize(
    "graph_base",
    [
        "graph.microsoft.com/v1.0",
        "ftp://graph.microsoft.com/v1.0",
        "https://graph.microsoft.com/v1.0?x=1",
        "https://user:pw@graph.microsoft.com/v1.0",
    ],
)
def test_malformed_addresses_refused(graph_base):
    with pytest.raises(ConfigurationError):
        endpoints_for(graph_base=graph_base, allow_custom_hosts=True)


def test_lookalike_microsoft_host_is_custom():
    with pytest.raises(ConfigurationError):
        endpoints_for(graph_base="https://graph.microsoft.com.evil.example/v1.0")


def test_graph_version_added_when_missing():
    endpoints = endpoints_for(graph_base="https://graph.microsoft.com/")
    assert endpoints.graph_base == "https://graph.microsoft.com/v1.0"
