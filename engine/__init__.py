"""Sync engine: pure Python (no Odoo imports) shared by the addon's models and its tests."""
