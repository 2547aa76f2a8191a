"""Meetings shared by several connected users: one true organizer, and nobody changes what
they do not own (engine/ownership.py)."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import OutlookCase, graph_event, sign_in


@tagged("post_install", "-at_install")
class SharedMeetingCase(OutlookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Carol's Odoo address is not the one of her Outlook mailbox.
        cls.carol = cls._internal_user("carol", "carol@odoo-internal.example")
        cls.carol_mailbox = "carol@contoso.example"

    def setUp(self):
        super().setUp()
        self.emulator.add_mailbox(self.carol_mailbox, display_name="Carol")

    def connect_carol(self):
        account = self.env["outlook.account"]._for_user(self.carol)
        sign_in(account, self.emulator, self.carol_mailbox)
        return account

    def meeting(self, name):
        return self.env["calendar.event"].search([("name", "=", name)])

    def copy_of(self, email, subject):
        (copy,) = [e for e in self.emulator.events(email) if e["subject"] == subject]
        return copy

    def answer_of(self, event, user):
        return event.attendee_ids.filtered(lambda a: a.partner_id == user.partner_id).state


class TestTrueOrganizer(SharedMeetingCase):
    def test_an_invitee_syncing_first_never_becomes_the_organizer(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.emulator.create_event(self.bob.email, graph_event(
            "Bob's plan", self.in_days(2), attendees=[self.alice.email]))
        self.sync(alice)
        event = self.meeting("Bob's plan")
        self.assertEqual(len(event), 1)
        self.assertFalse(event.user_id, "an invitation is a claim, not a proof")
        self.assertEqual(event.outlook_organizer_id, self.bob.partner_id)
        self.assertIn(self.bob.partner_id, event.partner_ids)
        with self.assertRaisesRegex(UserError, "organized by Bob"):
            event.with_user(self.alice).write({"location": "Alice's office"})

        self.sync(bob)  # Bob's own mailbox organizes it: the meeting is his
        self.assertEqual(len(self.meeting("Bob's plan")), 1)
        self.assertEqual(event.user_id, self.bob)
        self.assertFalse(event.outlook_organizer_id)
        event.with_user(self.bob).write({"location": "Room 7"})
        self.sync(bob)
        self.assertEqual(self.copy_of(self.alice.email, "Bob's plan")["location"]["displayName"],
                         "Room 7", "Outlook itself updated the invitee's copy")
        roles = self.env["outlook.event.link"].search(
            [("event_id", "=", event.id)]).sorted("account_id").mapped("role")
        self.assertEqual(sorted(roles), ["attendee", "organizer"])

    def test_an_outside_organizer_is_listed_and_shown_as_organizer(self):
        alice = self.connect(self.alice)
        self.emulator.deliver_invitation(
            self.alice.email, graph_event("Supplier review", self.in_days(3),
                                          attendees=[self.alice.email]),
            "jane@fabrikam.example", "Jane Supplier")
        self.sync(alice)
        event = self.meeting("Supplier review")
        self.assertFalse(event.user_id)
        self.assertEqual(event.outlook_organizer_id.email, "jane@fabrikam.example")
        self.assertIn(event.outlook_organizer_id, event.partner_ids)
        self.assertIn(self.alice.partner_id, event.partner_ids)

    def test_a_user_whose_odoo_address_differs_still_organizes_their_meetings(self):
        alice, carol = self.connect(self.alice), self.connect_carol()
        self.emulator.create_event(self.carol_mailbox, graph_event(
            "Carol's sprint review", self.in_days(1), attendees=[self.alice.email]))
        self.sync(alice)  # the invitee first: Carol's meeting is already in Odoo
        self.sync(carol)
        event = self.meeting("Carol's sprint review")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.user_id, self.carol)
        self.assertIn(self.carol.partner_id, event.partner_ids,
                      "her own meeting shows in her Odoo calendar")
        self.assertIn(self.alice.partner_id, event.partner_ids)

    def test_every_connected_attendee_sees_the_meeting_in_their_calendar(self):
        alice, carol = self.connect(self.alice), self.connect_carol()
        self.emulator.deliver_invitation(
            self.alice.email, graph_event("Trade fair", self.in_days(4),
                                          attendees=[self.alice.email, self.carol_mailbox]),
            "jane@fabrikam.example", ical_uid="trade-fair-uid")
        self.emulator.deliver_invitation(
            self.carol_mailbox, graph_event("Trade fair", self.in_days(4),
                                            attendees=[self.alice.email, self.carol_mailbox]),
            "jane@fabrikam.example", ical_uid="trade-fair-uid")
        self.sync(alice)
        self.sync(carol)
        event = self.meeting("Trade fair")
        self.assertEqual(len(event), 1)
        self.assertIn(self.carol.partner_id, event.partner_ids)
        self.assertIn(self.alice.partner_id, event.partner_ids)


class TestOnlyTheOrganizerChangesIt(SharedMeetingCase):
    def shared(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.emulator.create_event(self.bob.email, graph_event(
            "Weekly sync", self.in_days(2), attendees=[self.alice.email],
            location={"displayName": "Room 1"}))
        self.sync(bob)
        self.sync(alice)
        return alice, bob, self.meeting("Weekly sync")

    def test_an_invitee_editing_their_copy_changes_nothing_for_others(self):
        alice, _bob, event = self.shared()
        copy = self.copy_of(self.alice.email, "Weekly sync")
        self.emulator.update_event(self.alice.email, copy["id"],
                                   {"location": {"displayName": "Alice's kitchen"}})
        self.sync(alice)
        self.assertEqual(event.location, "Room 1")

    def test_an_invitee_deleting_their_copy_declines_and_nothing_else(self):
        alice, _bob, event = self.shared()
        self.emulator.delete_event(self.alice.email, self.copy_of(self.alice.email,
                                                                  "Weekly sync")["id"])
        self.sync(alice)
        self.assertTrue(event.active)
        self.assertEqual(self.answer_of(event, self.alice), "declined")
        self.assertEqual([e["subject"] for e in self.emulator.events(self.bob.email)],
                         ["Weekly sync"])

    def test_an_invitee_declining_in_outlook_declines_in_odoo(self):
        alice, _bob, event = self.shared()
        self.emulator.respond(self.alice.email, self.copy_of(self.alice.email,
                                                             "Weekly sync")["id"], "decline")
        self.sync(alice)
        self.assertTrue(event.active)
        self.assertEqual(self.answer_of(event, self.alice), "declined")

    def test_an_invitee_cannot_change_or_delete_it_in_odoo(self):
        _alice, _bob, event = self.shared()
        for change in ({"start": self.in_days(5)}, {"name": "Mine now"}, {"active": False}):
            with self.assertRaisesRegex(UserError, "only they can change or delete it"):
                event.with_user(self.alice).write(change)
        with self.assertRaises(UserError):
            event.with_user(self.alice).unlink()
        event.attendee_ids.filtered(
            lambda a: a.partner_id == self.alice.partner_id).with_user(self.alice).do_decline()
        self.assertEqual(self.answer_of(event, self.alice), "declined")

    def test_the_organizer_deleting_it_cancels_it_for_everyone(self):
        alice, bob, event = self.shared()
        event.with_user(self.bob).unlink()
        self.sync(bob)
        self.sync(alice)
        self.assertFalse(self.meeting("Weekly sync"))
        self.assertTrue(self.copy_of(self.alice.email, "Canceled: Weekly sync")["isCancelled"])


class TestNoTakeover(SharedMeetingCase):
    def test_a_forwarded_copy_is_a_separate_event_and_takes_nothing_over(self):
        bob, carol = self.connect(self.bob), self.connect_carol()
        original = self.emulator.create_event(self.bob.email, graph_event(
            "Board meeting", self.in_days(2), body={"contentType": "text", "content": "Agenda"}))
        self.sync(bob)
        event = self.meeting("Board meeting")
        self.emulator.import_copy(self.carol_mailbox, self.bob.email, original["id"])
        copy = self.copy_of(self.carol_mailbox, "Board meeting")
        self.emulator.update_event(self.carol_mailbox, copy["id"],
                                   {"subject": "Board meeting (my notes)"})
        self.sync(carol)
        self.assertEqual(event.name, "Board meeting")
        self.assertEqual(event.user_id, self.bob)
        self.assertIn("Agenda", str(event.description))
        self.assertEqual(len(self.meeting("Board meeting (my notes)")), 1)
        self.emulator.delete_event(self.carol_mailbox, copy["id"])
        self.sync(carol)
        self.assertTrue(event.active, "her copy leaving archives only her own event")

    def test_an_invitation_naming_another_user_never_mails_from_their_mailbox(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.emulator.deliver_invitation(
            self.alice.email, graph_event("Spoofed", self.in_days(2),
                                          attendees=[self.alice.email, "x@fabrikam.example"]),
            self.bob.email, "Bob")
        self.sync(alice)
        event = self.meeting("Spoofed")
        self.assertFalse(event.user_id, "Bob's mailbox holds no such meeting")
        with self.assertRaises(UserError):
            event.with_user(self.bob).write({"name": "Spoofed (edited)"})
        self.emulator.reset_counters()
        self.sync(bob)
        self.sync(alice)
        self.assertEqual(self.emulator.counters()["mail"]["invitation"], 0)
        self.assertEqual(self.emulator.events(self.bob.email), [])


class TestResetOnlyWhatTheUserOrganizes(SharedMeetingCase):
    def test_reset_leaves_others_meetings_outside_invitations_and_odoo_only_events(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.emulator.create_event(self.alice.email, graph_event("Alice's own",
                                                                 self.in_days(1)))
        self.emulator.create_event(self.bob.email, graph_event(
            "Bob's", self.in_days(2), attendees=[self.alice.email]))
        self.emulator.deliver_invitation(
            self.alice.email, graph_event("Outside", self.in_days(3),
                                          attendees=[self.alice.email]),
            "jane@fabrikam.example")
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Odoo only, past", "start": self.in_days(-3), "stop": self.in_days(-3, 10)})
        self.sync(bob)
        self.sync(alice)
        admin = self.env.ref("base.user_admin")
        action = alice.with_user(admin).action_reset_account()
        wizard = self.env["outlook.account.reset"].with_user(admin).with_context(
            action["context"]).create({"existing_events": "both", "next_sync": "new"})
        self.assertIn("• Alice's own — ", wizard.preview)
        for untouched in ("Bob's", "Outside", "Odoo only, past"):
            self.assertNotIn(f"• {untouched} — ", wizard.preview)
        wizard.action_confirm()
        self.assertFalse(self.meeting("Alice's own"))
        for untouched in ("Bob's", "Outside", "Odoo only, past"):
            self.assertTrue(self.meeting(untouched), untouched)
        outlook = sorted(e["subject"] for e in self.emulator.events(self.alice.email))
        self.assertEqual(outlook, ["Bob's", "Outside"])
        self.assertEqual([e["subject"] for e in self.emulator.events(self.bob.email)], ["Bob's"])


class TestUpgrade(SharedMeetingCase):
    def test_links_made_before_roles_learn_who_organizes(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.emulator.create_event(self.bob.email, graph_event(
            "Old meeting", self.in_days(2), attendees=[self.alice.email]))
        self.sync(bob)
        self.sync(alice)
        event = self.meeting("Old meeting")
        links = self.env["outlook.event.link"].search([("event_id", "=", event.id)])
        links.write({"role": "organizer"})  # as an earlier version left them
        event.outlook_organizer_email = False
        links._set_roles_of_older_links()
        roles = {link.account_id: link.role for link in links}
        self.assertEqual(roles, {bob: "organizer", alice: "attendee"})
        self.assertEqual(event.outlook_organizer_email, self.bob.email)
