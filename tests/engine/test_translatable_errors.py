"""Messages built from details are translated whole: the sentence in the user's language,
the details (subjects, numbers, Microsoft's own words) kept as they are."""

import pytest

from engine import mapping
from engine.errors import ConfigurationError, RejectedPayload, from_oauth_error
from engine.event_values import MappingError
from engine.inbound import ItemError

FRENCH = {
    'The Outlook event "%(subject)s" could not be read: %(problem)s':
        "L'événement Outlook « %(subject)s » n'a pas pu être lu : %(problem)s",
    "its reminder (%(minutes)s minutes before) is out of range. Set a shorter reminder in "
    "Outlook.":
        "son rappel (%(minutes)s minutes avant) est hors limites. Choisissez un rappel plus "
        "court dans Outlook.",
    'The event "%(subject)s" was refused by Outlook: %(reason)s. Correct it in Odoo; it will '
    "be sent again at the next synchronization.":
        "L'événement « %(subject)s » a été refusé par Outlook : %(reason)s. Corrigez-le dans "
        "Odoo ; il sera renvoyé à la prochaine synchronisation.",
}


def french(message):
    return FRENCH.get(message, message)


def far_reminder():
    with pytest.raises(MappingError) as caught:
        mapping.from_graph({
            "id": "AAMk1", "subject": "Budget 2026", "isReminderOn": True,
            "reminderMinutesBeforeStart": 10**9,
            "start": {"dateTime": "2025-03-24T08:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-03-24T09:00:00", "timeZone": "UTC"}})
    return caught.value


def test_a_mapping_error_is_translated_with_its_details_and_its_nested_problem():
    error = far_reminder()
    assert error.message(french) == (
        "L'événement Outlook « Budget 2026 » n'a pas pu être lu : son rappel (1000000000 "
        "minutes avant) est hors limites. Choisissez un rappel plus court dans Outlook.")
    assert str(error) == error.user_message == error.message(lambda message: message)
    assert str(error).startswith('The Outlook event "Budget 2026" could not be read: its reminder')


def test_an_item_error_shows_the_error_translated():
    item = ItemError.from_error("Budget 2026", far_reminder(), remote_id="AAMk1")
    assert item.text(french).startswith("L'événement Outlook « Budget 2026 » n'a pas pu")
    assert "1000000000 minutes avant" in item.text(french)
    assert item.text().startswith('The Outlook event "Budget 2026" could not be read')


def test_a_refusal_keeps_microsofts_words_inside_the_translated_sentence():
    error = RejectedPayload("The end time must be later than the start time.",
                            subject="Standup")
    assert error.message(french) == (
        "L'événement « Standup » a été refusé par Outlook : The end time must be later than "
        "the start time. Corrigez-le dans Odoo ; il sera renvoyé à la prochaine "
        "synchronisation.")
    assert error.user_message.startswith('The event "Standup" was refused by Outlook: The end')


def test_details_shown_to_users_never_carry_a_url_query():
    error = from_oauth_error({"error": "invalid_request", "error_description":
                              "Bad redirect https://login.example/cb?code=SECRET"})
    assert isinstance(error, ConfigurationError)
    assert "SECRET" not in error.user_message
    assert "https://login.example/cb" in error.user_message
