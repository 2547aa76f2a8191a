"""A Microsoft identity platform + Microsoft Graph emulator for tests and demos."""

from .control_client import EmulatorClient
from .emulator import GraphEmulator

__all__ = ["EmulatorClient", "GraphEmulator"]
