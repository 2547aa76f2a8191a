"""Choices the live service may make where Microsoft's documentation leaves it open.

Each option names one behaviour the product must cope with; the defaults are what the
emulator did before the option existed. Set them with GraphEmulator.set_options(**kw);
reset() brings the defaults back.
"""

from dataclasses import asdict, dataclass

CHOICES = {
    # How a calendarView/delta page treats a series (master, occurrences, exceptions).
    "series_paging": ("whole", "split", "split_reversed"),
    # What an incremental delta round sends for a series whose master or instances changed.
    "incremental_series": ("whole", "master_only", "changed_only", "instance_only"),
    # How an incremental round reports one deleted occurrence of a series.
    "deleted_occurrence": ("absent", "removed", "cancelled"),
    # What POST /me/events does with the transactionId of an event since deleted.
    "transaction_id_after_delete": ("creates_new", "returns_deleted", "conflict"),
}


@dataclass
class ServiceOptions:
    series_paging: str = "whole"
    incremental_series: str = "whole"
    deleted_occurrence: str = "absent"
    transaction_id_after_delete: str = "creates_new"
    resend_unchanged: float = 0.0    # fraction of unchanged events re-sent per round

    def update(self, **changes):
        """Check every value first, so a refused call changes nothing."""
        for name, value in changes.items():
            _check(name, value)
        for name, value in changes.items():
            setattr(self, name, float(value) if name == "resend_unchanged" else value)
        return self.as_dict()

    def as_dict(self):
        return asdict(self)


def _check(name, value):
    if name == "resend_unchanged":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                0 <= value <= 1):
            raise ValueError("resend_unchanged is a fraction from 0 to 1.")
        return
    if name not in CHOICES:
        known = ", ".join([*CHOICES, "resend_unchanged"])
        raise ValueError(f"Unknown option {name!r}: use one of {known}.")
    if value not in CHOICES[name]:
        raise ValueError(f"Option {name} takes one of {', '.join(CHOICES[name])}, "
                         f"not {value!r}.")
