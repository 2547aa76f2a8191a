"""EmulatorClient: the GraphEmulator control methods, called over HTTP.

For code that runs the emulator as a separate process (`python -m graph_emulator`):

    client = EmulatorClient("http://127.0.0.1:8765")
    client.add_mailbox(email="alice@example.com")
    client.set_options(series_paging="split", resend_unchanged=0.2)
    client.add_fault(method="POST", path_pattern="/v1.0/me/events", kind="status",
                     status=429, probability=0.3, times=None)
    client.counters()["mail"]["invitation"]

Every method takes keyword arguments only, the names of GraphEmulator's.
"""

import requests

from .control import METHODS


class EmulatorClient:
    def __init__(self, base_url, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()

    def __getattr__(self, name):
        if name not in METHODS:
            raise AttributeError(name)

        def call(*args, **kwargs):
            if args:
                raise TypeError(f"{name}() over HTTP takes keyword arguments only.")
            answer = self._session.post(f"{self.base_url}/_emulator/{name}", json=kwargs,
                                        timeout=self.timeout)
            if answer.status_code != 200:
                raise RuntimeError(f"Emulator refused {name}: {answer.status_code} "
                                   f"{answer.text[:300]}")
            return answer.json()["result"]
        return call

    def ca_pem(self):
        return self._session.get(f"{self.base_url}/_emulator/ca.pem", timeout=self.timeout).text

    @property
    def graph_url(self):
        return self.base_url + "/v1.0"

    @property
    def https_url(self):
        return self.base_url.replace("http://", "https://", 1)
