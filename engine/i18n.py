"""Marking user-facing text for translation without depending on Odoo.

Odoo's translation export collects the strings passed to `_lt` in every Python file of the
addon; the Odoo layer translates an engine message when it shows it (`env._(message)`).
"""


def _lt(message):
    """Mark `message` as translatable; returns it unchanged (English)."""
    return message
