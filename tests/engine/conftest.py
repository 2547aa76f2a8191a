"""Shared fixtures of the engine tests."""

from dataclasses import dataclass

import pytest
import requests
from graph_emulator import GraphEmulator

# --- Graph emulator ----------------------------------------------------------------------
# `emulator`: one emulator for the whole session, emptied before every test.
# `mailbox`: alice@example.com with a registered app and a valid access token.
# `graph_user`: the same for any other address, e.g. graph_user("bob@example.com").

EMULATOR_CLIENT_ID = "9f3c2a4e-1b2d-4c5e-8f70-112233445566"
EMULATOR_CLIENT_SECRET = "emulator-test-secret"
EMULATOR_REDIRECT_URI = "http://localhost:8069/microsoft_account/authentication"


@dataclass
class GraphUser:
    """A signed-in mailbox: its address, access token and a session calling Graph."""

    email: str
    token: str
    refresh_token: str
    emulator: GraphEmulator
    session: requests.Session

    def url(self, path):
        return path if path.startswith("http") else self.emulator.graph_url + path

    def get(self, path, **kwargs):
        return self.session.get(self.url(path), timeout=30, **kwargs)

    def post(self, path, **kwargs):
        return self.session.post(self.url(path), timeout=30, **kwargs)

    def patch(self, path, **kwargs):
        return self.session.patch(self.url(path), timeout=30, **kwargs)

    def delete(self, path, **kwargs):
        return self.session.delete(self.url(path), timeout=30, **kwargs)


@pytest.fixture(scope="session")
def _emulator_server():
    emulator = GraphEmulator(seed=0).start(port=0)
    yield emulator
    emulator.stop()


@pytest.fixture
def emulator(_emulator_server):
    _emulator_server.reset()
    return _emulator_server


@pytest.fixture
def graph_user(emulator):
    sessions = []

    def sign_in(email, display_name=None):
        emulator.add_app(EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET,
                         redirect_uris=[EMULATOR_REDIRECT_URI])
        emulator.add_mailbox(email, display_name)
        tokens = emulator.issue_tokens(email, EMULATOR_CLIENT_ID)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        sessions.append(session)
        return GraphUser(email, tokens["access_token"], tokens["refresh_token"], emulator,
                         session)

    yield sign_in
    for session in sessions:
        session.close()


@pytest.fixture
def mailbox(graph_user):
    return graph_user("alice@example.com", "Alice Martin")
