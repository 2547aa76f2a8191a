from .store import OdooStore

__all__ = ["OdooStore"]
