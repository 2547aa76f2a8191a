"""Marking user-facing text for translation without depending on Odoo.

Odoo's translation export collects the strings passed to `_lt` in every Python file of the
addon; the Odoo layer translates an engine message when it shows it (`env._(message)`).
"""


def _lt(message):
    """Mark `message` as translatable; returns it unchanged (English)."""
    return message


class Text:
    """A translatable sentence with its details: ``message`` (English, marked with ``_lt``)
    may hold ``%(name)s`` placeholders filled from ``params`` once translated."""

    __slots__ = ("message", "params")

    def __init__(self, message, **params):
        self.message = message
        self.params = params

    def render(self, translate=lambda message: message):
        message = translate(self.message)
        if not self.params:
            return message
        return message % {name: value.render(translate) if isinstance(value, Text) else value
                          for name, value in self.params.items()}

    def __eq__(self, other):
        return isinstance(other, Text) and (self.message, self.params) == (
            other.message, other.params)

    def __hash__(self):
        return hash(self.message)

    def __repr__(self):
        return f"Text({self.render()!r})"
