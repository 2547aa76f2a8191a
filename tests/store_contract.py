"""What every LocalStore must do, checked alike on the in-memory store (engine tests) and on
the Odoo store (Odoo tests): the engine relies on nothing else.

A test class mixes ``StoreContract`` in and provides ``harness()``, an object with:
``store``; ``new_event(subject, start)`` and ``new_series(subject, start, count)`` (a user
creates it in Odoo: it is queued); ``edit(local_id, subject)``; ``archive(local_id)``;
``values(subject, start)`` (neutral values as Outlook would send them).
"""

from datetime import UTC, datetime, timedelta

try:  # inside the Odoo addon
    from ..engine.event_values import values_hash
    from ..engine.inbound import ItemError
    from ..engine.sync_state import Link, RemoteState
except ImportError:  # the engine tests
    from engine.event_values import values_hash
    from engine.inbound import ItemError
    from engine.sync_state import Link, RemoteState

START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)


def link(local_id, remote_id, master=None, ical_uid=None):
    return Link(local_id, remote_id, ical_uid, "ck1", "h0", None, master)


class StoreContract:
    def harness(self):
        raise NotImplementedError

    # -- the outbox ----------------------------------------------------------------------

    def test_reading_the_queue_changes_nothing(self):
        h = self.harness()
        first = h.new_event("Planning", START)
        self.assertEqual([s.local_id for s in h.store.pending()], [first])
        self.assertEqual([s.local_id for s in h.store.pending()], [first])

    def test_a_change_made_after_reading_survives_its_confirmation(self):
        h = self.harness()
        local_id = h.new_event("Planning", START)
        h.store.pending()
        h.edit(local_id, "Planning (moved)")
        h.store.confirm([local_id])
        self.assertEqual([s.local_id for s in h.store.pending()], [local_id])
        h.store.confirm([local_id])
        self.assertEqual(h.store.pending(), [])

    def test_a_creation_keeps_its_transaction_id_until_confirmed(self):
        h = self.harness()
        local_id = h.new_event("Planning", START)
        h.store.pending()
        first = h.store.transaction_ids([local_id])[local_id]
        h.edit(local_id, "Planning (moved)")
        (state,) = h.store.pending()
        self.assertEqual(h.store.transaction_ids([local_id])[local_id], first)
        self.assertEqual(state.transaction_id, first)
        h.store.confirm([local_id])
        h.edit(local_id, "Planning (again)")
        h.store.pending()
        self.assertNotEqual(h.store.transaction_ids([local_id])[local_id], first)

    def test_a_refused_change_leaves_the_queue_until_the_event_changes(self):
        h = self.harness()
        local_id = h.new_event("Planning", START)
        h.store.pending()
        h.store.refuse(local_id, ItemError("Planning", "Refused."))
        self.assertEqual(h.store.pending(), [])
        h.edit(local_id, "Planning (fixed)")
        self.assertEqual([s.local_id for s in h.store.pending()], [local_id])

    def test_queued_states_say_what_the_scope_needs(self):
        h = self.harness()
        single = h.new_event("Single", START)
        base = h.new_series("Weekly", START, 3)
        states = {s.local_id: s for s in h.store.pending()}
        self.assertFalse(states[single].occurrence)
        self.assertEqual(states[single].ends_at, START + timedelta(hours=1))
        self.assertFalse(states[base].occurrence)
        h.archive(single)
        (gone,) = [s for s in h.store.pending() if s.local_id == single]
        self.assertTrue(gone.deleted)

    # -- links -----------------------------------------------------------------------------

    def test_links_are_found_both_ways_and_an_event_is_linked_once(self):
        h = self.harness()
        local_id = h.new_event("Planning", START)
        h.store.save_link(link(local_id, "R1", ical_uid="uid-1"))
        h.store.save_link(link(local_id, "R2", ical_uid="uid-1"))
        self.assertEqual(list(h.store.links_by_local([local_id])), [local_id])
        self.assertEqual(h.store.links_by_local([local_id])[local_id].remote_id, "R2")
        self.assertEqual(list(h.store.links_by_remote(["R1", "R2"])), ["R2"])
        (meeting,) = h.store.meetings(["uid-1"])["uid-1"]
        self.assertEqual(meeting.local_id, local_id)

    def test_dropping_a_series_link_drops_its_occurrence_links(self):
        h = self.harness()
        base = h.new_series("Weekly", START, 3)
        occurrences = sorted(set(h.store.series(base).occurrences.values()) - {base})
        h.store.save_link(link(base, "M"))
        for n, local_id in enumerate(occurrences):
            h.store.save_link(link(local_id, f"I{n}", master="M"))
        self.assertEqual(len(h.store.series_links("M")), 2)
        h.store.drop_link(link(base, "M"))
        self.assertEqual(h.store.all_links(), [])

    def test_within_window_knows_where_linked_events_are(self):
        h = self.harness()
        near = h.new_event("Near", START)
        far = h.new_event("Far", START + timedelta(days=400))
        links = [link(near, "RN"), link(far, "RF")]
        for item in links:
            h.store.save_link(item)
        self.assertEqual(h.store.within_window(links, START - timedelta(days=1),
                                               START + timedelta(days=30)), {"RN"})

    # -- events ----------------------------------------------------------------------------

    def test_an_event_from_outlook_reads_back_as_it_came(self):
        h = self.harness()
        values = h.values("From Outlook", START)
        (local_id,) = h.store.create_local(
            [(RemoteState("R1", None, "ck", None), values, "organizer")])
        back = h.store.local_values(local_id)
        self.assertEqual((back.subject, back.start, back.end),
                         (values.subject, values.start, values.end))
        self.assertEqual(h.store.local_hash(local_id), values_hash(back))
        self.assertTrue(h.store.exists(local_id))
        self.assertEqual(h.store.pending(), [], "nothing from Outlook goes back to Outlook")

    def test_an_update_brings_an_archived_event_back(self):
        h = self.harness()
        (local_id,) = h.store.create_local(
            [(RemoteState("R1", None, "ck", None), h.values("Back", START), "organizer")])
        h.store.remove_local(local_id)
        h.store.update_local(local_id, h.values("Back again", START))
        self.assertEqual(h.store.local_values(local_id).subject, "Back again")
        self.assertIn(local_id, h.active_ids())

    def test_a_series_is_keyed_by_start_and_leaves_whole(self):
        h = self.harness()
        base = h.new_series("Weekly", START, 3)
        series = h.store.series(base)
        self.assertEqual(sorted(series.occurrences), [START + timedelta(weeks=n)
                                                      for n in range(3)])
        self.assertEqual(series.occurrences[START], base)
        h.store.remove_local(base)
        self.assertFalse(set(series.occurrences.values()) & set(h.active_ids()))

    # -- work ------------------------------------------------------------------------------

    def test_a_failed_step_leaves_neither_event_nor_link(self):
        h = self.harness()
        with self.assertRaises(ValueError):
            with h.store.isolated():
                (local_id,) = h.store.create_local(
                    [(RemoteState("R9", None, "ck", None), h.values("Half done", START),
                      "organizer")])
                h.store.save_link(link(local_id, "R9"))
                raise ValueError("the step failed")
        self.assertEqual(h.store.links_by_remote(["R9"]), {})
        self.assertNotIn("Half done", h.active_subjects())

    def test_held_deletions_and_events_to_read_again_are_remembered(self):
        h = self.harness()
        local_id = h.new_event("Planning", START)
        h.store.hold("odoo", [link(local_id, "R1")], "reason")
        self.assertEqual(h.store.held_removals(), ["R1"])
        h.store.release_held()
        self.assertEqual(h.store.held_removals(), [])
        h.store.retry_inbound(["R7", "R8"])
        self.assertEqual(sorted(h.store.inbound_retries()), ["R7", "R8"])
        h.store.retry_inbound([])
        self.assertEqual(h.store.inbound_retries(), [])
