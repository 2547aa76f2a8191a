import re
from datetime import timedelta

from odoo import fields
from odoo.addons.mail.tests.common import MockEmail
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CLIENT_SECRET, OutlookCase, graph_event


@tagged("post_install", "-at_install")
class TestImport(OutlookCase):
    def test_hundred_outlook_events_arrive_with_times_recurrences_and_attendees(self):
        alice = self.connect(self.alice)
        self.emulator.seed(self.alice.email, 100, start=self.in_days(-10), span_days=60)
        outlook = self.emulator.events(self.alice.email)
        masters = [e for e in outlook if e["type"] == "seriesMaster"]
        self.assertTrue(masters, "the seeded mailbox should hold weekly series")
        mails_before = self.env["mail.mail"].search_count([])

        report = self.sync(alice)

        self.assertFalse(report.errors, report.errors)
        linked = self.env["outlook.event.link"].search([("account_id", "=", alice.id)])
        singles = [e for e in outlook if e["type"] == "singleInstance"]
        for graph in singles:
            link = linked.filtered(lambda lk, graph=graph: lk.ical_uid == graph["iCalUId"])
            self.assertEqual(len(link), 1, graph["subject"])
            event = link.event_id
            self.assertEqual(event.name, graph["subject"])
            self.assertEqual(event.allday, graph["isAllDay"])
            if not event.allday:
                self.assertEqual(fields.Datetime.to_string(event.start),
                                 graph["start"]["dateTime"][:19].replace("T", " "))
            emails = {a["emailAddress"]["address"].lower() for a in graph["attendees"]}
            emails.discard(self.alice.email)
            self.assertEqual(set(event.partner_ids.mapped("email")) - {self.alice.email}, emails)
        for master in masters:
            link = linked.filtered(lambda lk, master=master: lk.ical_uid == master["iCalUId"]
                                   and not lk.series_master_graph_id)
            recurrence = link.event_id.recurrence_id
            self.assertTrue(recurrence, master["subject"])
            self.assertEqual(recurrence.rrule_type, "weekly")
            occurrences = recurrence.calendar_event_ids
            self.assertEqual(len(occurrences), master["recurrence"]["range"]["numberOfOccurrences"])
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before,
                         "events coming from Outlook must not make Odoo mail attendees")

    def test_an_unchanged_second_sync_changes_nothing(self):
        alice = self.connect(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("Planning", self.in_days(1)))
        self.sync(alice)
        self.emulator.reset_counters()
        report = self.sync(alice)
        self.assertEqual(report.counts, {})
        graph = {route: n for route, n in self.emulator.counters()["requests"].items()
                 if " /v1.0/" in route}
        self.assertEqual(graph, {"GET /v1.0/me/calendarView/delta": 1})


@tagged("post_install", "-at_install")
class TestRoundTrip(OutlookCase):
    def test_edits_on_both_sides_reach_the_other(self):
        alice = self.connect(self.alice)
        remote = self.emulator.create_event(self.alice.email,
                                            graph_event("Budget", self.in_days(2)))
        self.sync(alice)
        event = self.events([("name", "=", "Budget")])
        self.assertEqual(len(event), 1)

        # Outlook -> Odoo
        self.emulator.update_event(self.alice.email, remote["id"], {
            "subject": "Budget review",
            "location": {"displayName": "Room 12"},
        })
        self.sync(alice)
        self.assertEqual(event.name, "Budget review")
        self.assertEqual(event.location, "Room 12")

        # Odoo -> Outlook
        event.with_user(self.alice).write({"name": "Budget sign-off",
                                           "start": self.in_days(3, 14),
                                           "stop": self.in_days(3, 15)})
        self.sync(alice)
        copy = self.emulator.get_event(self.alice.email, remote["id"])
        self.assertEqual(copy["subject"], "Budget sign-off")
        self.assertTrue(copy["start"]["dateTime"].startswith(
            self.in_days(3, 14).strftime("%Y-%m-%dT%H:%M:%S")))

    def test_created_archived_and_unarchived_in_odoo(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        event = self.env["calendar.event"].with_user(self.alice).create({
            "name": "Odoo-born", "start": self.in_days(1), "stop": self.in_days(1, 10),
        })
        self.sync(alice)
        self.assertEqual([e["subject"] for e in self.emulator.events(self.alice.email)],
                         ["Odoo-born"])
        event.action_archive()
        self.sync(alice)
        self.assertEqual(self.emulator.events(self.alice.email), [])
        event.action_unarchive()
        self.sync(alice)
        self.assertEqual([e["subject"] for e in self.emulator.events(self.alice.email)],
                         ["Odoo-born"])

    def test_deleted_in_outlook_is_archived_in_odoo(self):
        alice = self.connect(self.alice)
        remote = self.emulator.create_event(self.alice.email,
                                            graph_event("Dropped", self.in_days(1)))
        self.sync(alice)
        self.emulator.delete_event(self.alice.email, remote["id"])
        self.sync(alice)
        self.assertFalse(self.events([("name", "=", "Dropped")]))
        archived = self.events([("name", "=", "Dropped"), ("active", "=", False)])
        self.assertEqual(len(archived), 1, "kept archived: nothing is lost")

    def test_attendees_added_and_removed_in_odoo(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        guest = self.env["res.partner"].create({"name": "Guest", "email": "guest@fabrikam.example"})
        event = self.env["calendar.event"].with_user(self.alice).create({
            "name": "Workshop", "start": self.in_days(1), "stop": self.in_days(1, 10),
        })
        self.sync(alice)
        event.write({"partner_ids": [fields.Command.link(guest.id)]})
        self.sync(alice)
        (copy,) = self.emulator.events(self.alice.email)
        self.assertEqual([a["emailAddress"]["address"] for a in copy["attendees"]],
                         ["guest@fabrikam.example"])
        event.write({"partner_ids": [fields.Command.unlink(guest.id)]})
        self.sync(alice)
        (copy,) = self.emulator.events(self.alice.email)
        self.assertEqual(copy["attendees"], [])

    def test_answers_in_outlook_reach_odoo(self):
        alice = self.connect(self.alice)
        self.connect(self.bob)
        self.emulator.create_event(self.alice.email, graph_event(
            "Sync-up", self.in_days(1), attendees=[self.bob.email]))
        bob_copy = self.emulator.events(self.bob.email)[0]
        self.emulator.respond(self.bob.email, bob_copy["id"], "accept")
        self.sync(alice)
        attendee = self.events([("name", "=", "Sync-up")]).attendee_ids.filtered(
            lambda a: a.partner_id == self.bob.partner_id)
        self.assertEqual(attendee.state, "accepted")


@tagged("post_install", "-at_install")
class TestNoDuplicates(OutlookCase):
    def test_two_users_invited_to_one_meeting_share_one_odoo_event(self):
        alice = self.connect(self.alice)
        bob = self.connect(self.bob)
        self.emulator.create_event(self.alice.email, graph_event(
            "Kick-off", self.in_days(1), attendees=[self.bob.email]))
        self.sync(alice)
        self.sync(bob)
        events = self.events([("name", "=", "Kick-off")])
        self.assertEqual(len(events), 1)
        self.assertEqual(len(events.sudo().outlook_link_ids), 2)
        self.assertIn(self.bob.partner_id, events.partner_ids)

    def test_a_dropped_connection_on_create_leaves_one_event_each_side(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Exactly once", "start": self.in_days(1), "stop": self.in_days(1, 10),
        })
        self.emulator.add_fault("POST", "/v1.0/$batch", kind="drop", times=1, after_apply=True)
        self.sync(alice)
        self.sync(alice)
        self.assertEqual([e["subject"] for e in self.emulator.events(self.alice.email)],
                         ["Exactly once"])
        self.assertEqual(len(self.events([("name", "=", "Exactly once")])), 1)


@tagged("post_install", "-at_install")
class TestFirstSync(OutlookCase):
    def test_past_events_are_not_pushed_and_nobody_is_invited(self):
        guests = self.env["res.partner"].create([
            {"name": f"Guest {i}", "email": f"guest{i}@fabrikam.example"} for i in range(3)])
        Event = self.env["calendar.event"].with_user(self.alice)
        Event.create([{
            "name": f"Past {i}", "start": self.in_days(-20 + i % 15),
            "stop": self.in_days(-20 + i % 15, 10),
            "partner_ids": [fields.Command.set((guests | self.alice.partner_id).ids)],
        } for i in range(50)])
        alice = self.env["outlook.account"]._for_user(self.alice)
        preview = alice.with_user(self.alice).button_status()["first_sync"]
        self.assertEqual(preview, {"events": 0, "invitations": 0})

        self.connect(self.alice)
        self.sync(alice)
        self.assertEqual(self.emulator.events(self.alice.email), [])
        self.assertEqual(self.emulator.counters()["mail"]["invitation"], 0)

    def test_the_user_is_told_how_many_events_and_invitations_before_connecting(self):
        guest = self.env["res.partner"].create({"name": "G", "email": "g@fabrikam.example"})
        self.env["calendar.event"].with_user(self.alice).create([{
            "name": f"Upcoming {i}", "start": self.in_days(i + 1),
            "stop": self.in_days(i + 1, 10),
            "partner_ids": [fields.Command.set((guest | self.alice.partner_id).ids)],
        } for i in range(4)])
        status = self.env["outlook.account"].with_user(self.alice).button_status()
        self.assertEqual(status["state"], "disconnected")
        self.assertEqual(status["first_sync"], {"events": 4, "invitations": 4})
        alice = self.connect(self.alice)
        self.sync(alice)
        self.assertEqual(len(self.emulator.events(self.alice.email)), 4)
        self.assertEqual(self.emulator.counters()["mail"]["invitation"], 4)


@tagged("post_install", "-at_install")
class TestOutbox(MockEmail, OutlookCase):
    def test_changes_are_queued_in_the_same_transaction(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        event = self.env["calendar.event"].with_user(self.alice).create({
            "name": "Queued", "start": self.in_days(1), "stop": self.in_days(1, 10),
        })
        queued = self.env["outlook.outbox"].search([("account_id", "=", alice.id)])
        self.assertEqual(queued.mapped("event_id"), [event.id])
        self.sync(alice)
        self.assertFalse(self.env["outlook.outbox"].search([("account_id", "=", alice.id)]))

    def test_attendees_get_one_invitation_from_outlook_not_a_second_from_odoo(self):
        guest = self.env["res.partner"].create({"name": "Guest", "email": "guest@fabrikam.example"})

        def invite(name, days):
            with self.mock_mail_gateway():
                self.env["calendar.event"].with_user(self.alice).create({
                    "name": name, "start": self.in_days(days), "stop": self.in_days(days, 10),
                    "partner_ids": [fields.Command.set([self.alice.partner_id.id, guest.id])],
                })
            return [mail.email_to for mail in self._new_mails]

        self.assertTrue(invite("Before connecting", 1), "not connected: Odoo invites itself")
        alice = self.connect(self.alice)
        self.sync(alice)
        self.emulator.reset_counters()
        self.assertFalse(invite("After connecting", 2), "Outlook sends this invitation")
        self.sync(alice)
        self.assertEqual(self.emulator.counters()["mail"]["invitation"], 1)

    def test_changes_from_outlook_are_not_queued_back(self):
        alice = self.connect(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("Inbound", self.in_days(1)))
        self.sync(alice)
        self.assertFalse(self.env["outlook.outbox"].search([("account_id", "=", alice.id)]))
        self.emulator.reset_counters()
        self.sync(alice)
        self.assertEqual(self.emulator.counters()["requests"].get("POST /v1.0/$batch", 0), 0)


@tagged("post_install", "-at_install")
class TestSettingsApplied(OutlookCase):
    def test_direction_outlook_to_odoo_never_writes_outlook(self):
        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.sync_direction",
                                                  "outlook_to_odoo")
        alice = self.connect(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("From Outlook", self.in_days(1)))
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Stays in Odoo", "start": self.in_days(2), "stop": self.in_days(2, 10),
        })
        self.sync(alice)
        self.assertTrue(self.events([("name", "=", "From Outlook")]))
        self.assertEqual([e["subject"] for e in self.emulator.events(self.alice.email)],
                         ["From Outlook"])

    def test_conflict_policy_outlook_wins(self):
        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.conflict_policy",
                                                  "outlook")
        alice = self.connect(self.alice)
        remote = self.emulator.create_event(self.alice.email, graph_event("Title", self.in_days(1)))
        self.sync(alice)
        event = self.events([("name", "=", "Title")])
        event.with_user(self.alice).name = "Odoo title"
        self.emulator.update_event(self.alice.email, remote["id"], {"subject": "Outlook title"})
        self.sync(alice)
        self.assertEqual(event.name, "Outlook title")
        self.assertEqual(self.emulator.get_event(self.alice.email, remote["id"])["subject"],
                         "Outlook title")
        run = self.env["outlook.sync.run"].search([("account_id", "=", alice.id)], limit=1)
        self.assertEqual(run.conflicts, "Outlook title: Edited in both Odoo and Outlook; the "
                                        "conflict policy says Outlook wins.",
                         "the conflict names the event and says whose change was kept")


@tagged("post_install", "-at_install")
class TestCron(OutlookCase):
    def test_one_failing_user_does_not_stop_the_others(self):
        alice = self.connect(self.alice)
        bob = self.connect(self.bob)
        self.emulator.create_event(self.bob.email, graph_event("Bob's", self.in_days(1)))
        self.emulator.revoke(self.alice.email)
        self.env["outlook.account"]._cron_sync()
        self.assertEqual(alice.state, "error")
        self.assertIn("Reconnect", alice.last_error)
        self.assertEqual(bob.state, "connected")
        self.assertTrue(self.events([("name", "=", "Bob's")]))

    def test_sync_interval_setting_drives_the_cron(self):
        self.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        settings = self.env["res.config.settings"].create({
            "outlook_enabled": True, "outlook_client_id": "0d1c2b3a-4f5e-4a6b-8c7d-9e0f1a2b3c4d",
            "outlook_client_secret": CLIENT_SECRET, "outlook_sync_interval": 7,
        })
        settings.execute()
        cron = self.env.ref("outlook_calendar_sync.ir_cron_outlook_sync")
        self.assertEqual((cron.interval_number, cron.interval_type), (7, "minutes"))

    def test_paused_accounts_and_paused_settings_do_not_sync(self):
        alice = self.connect(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("Later", self.in_days(1)))
        alice.with_user(self.alice).button_pause()
        self.env["outlook.account"]._cron_sync()
        self.assertFalse(self.events([("name", "=", "Later")]))
        alice.with_user(self.alice).button_resume()
        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.paused", "True")
        self.env["outlook.account"]._cron_sync()
        self.assertFalse(self.events([("name", "=", "Later")]))
        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.paused", "")
        self.env["outlook.account"]._cron_sync()
        self.assertTrue(self.events([("name", "=", "Later")]))


@tagged("post_install", "-at_install")
class TestRecurrence(OutlookCase):
    def test_an_outlook_series_with_an_exception_and_a_deleted_occurrence(self):
        alice = self.connect(self.alice)
        start = self.in_days(1, 8)
        master = self.emulator.create_event(self.alice.email, graph_event(
            "Weekly 1:1", start, recurrence={
                "pattern": {"type": "weekly", "interval": 1,
                            "daysOfWeek": [start.strftime("%A").lower()]},
                "range": {"type": "numbered", "startDate": start.strftime("%Y-%m-%d"),
                          "numberOfOccurrences": 5},
            }))
        self.sync(alice)
        series = self.events([("name", "=", "Weekly 1:1")])
        self.assertEqual(len(series), 5)

        instances = self.graph_get(self.alice.email, f"/me/events/{master['id']}/instances",
                                   startDateTime=self.in_days(0).isoformat(),
                                   endDateTime=self.in_days(60).isoformat())["value"]
        self.emulator.update_event(self.alice.email, instances[1]["id"],
                                   {"subject": "Weekly 1:1 (moved)",
                                    "start": graph_event("", start + timedelta(days=8))["start"],
                                    "end": graph_event("", start + timedelta(days=8))["end"]})
        self.emulator.delete_event(self.alice.email, instances[3]["id"])
        self.sync(alice)
        self.assertEqual(len(self.events([("name", "=", "Weekly 1:1")])), 3)
        moved = self.events([("name", "=", "Weekly 1:1 (moved)")])
        self.assertEqual(len(moved), 1)
        self.assertEqual(moved.start, start + timedelta(days=8))

    def test_an_odoo_series_reaches_outlook_as_one_series(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Daily standup", "start": self.in_days(1), "stop": self.in_days(1, 10),
            "recurrency": True, "rrule_type": "daily", "interval": 1, "end_type": "count",
            "count": 4,
        })
        self.sync(alice)
        outlook = self.emulator.events(self.alice.email)
        masters = [e for e in outlook if e["type"] == "seriesMaster"]
        self.assertEqual(len(masters), 1)
        self.assertEqual(masters[0]["recurrence"]["range"]["numberOfOccurrences"], 4)
        links = self.env["outlook.event.link"].search([("account_id", "=", alice.id)])
        self.assertEqual(len(links), 4, "the master and each occurrence are linked")

    def test_odoo_occurrence_edits_and_deletions_reach_the_outlook_series(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        base = self.env["calendar.event"].with_user(self.alice).create({
            "name": "Daily standup", "start": self.in_days(1), "stop": self.in_days(1, 10),
            "recurrency": True, "rrule_type": "daily", "interval": 1, "end_type": "count",
            "count": 4,
        })
        self.sync(alice)
        occurrences = base.recurrence_id.calendar_event_ids.sorted("start")
        occurrences[2].with_user(self.alice).write({"name": "Standup (demo day)",
                                                    "recurrence_update": "self_only"})
        self.assertEqual(self.sync(alice).counts.get("updated_in_outlook"), 1)
        occurrences[3].with_user(self.alice).unlink()
        self.assertEqual(self.sync(alice).counts.get("deleted_in_outlook"), 1)

        (master,) = self.emulator.events(self.alice.email)
        instances = self.graph_get(self.alice.email, f"/me/events/{master['id']}/instances",
                                   startDateTime=self.in_days(0).isoformat(),
                                   endDateTime=self.in_days(30).isoformat())["value"]
        self.assertEqual([(i["subject"], i["type"]) for i in instances], [
            ("Daily standup", "occurrence"), ("Daily standup", "occurrence"),
            ("Standup (demo day)", "exception")])
        self.assertEqual(self.emulator.counters()["mail"]["invitation"], 0)


@tagged("post_install", "-at_install")
class TestAnswersFromOdoo(OutlookCase):
    def test_an_invitee_accepting_in_odoo_tells_the_organizer_through_outlook(self):
        self.connect(self.alice)
        bob = self.connect(self.bob)
        self.emulator.create_event(self.alice.email, graph_event(
            "Design review", self.in_days(2), attendees=[self.bob.email]))
        self.sync(bob)
        event = self.events([("name", "=", "Design review")])
        mine = event.attendee_ids.filtered(lambda a: a.partner_id == self.bob.partner_id)
        mine.with_user(self.bob).do_accept()
        report = self.sync(bob)
        self.assertEqual(report.counts.get("answered_in_outlook"), 1)
        (organizer_copy,) = self.emulator.events(self.alice.email)
        answers = {a["emailAddress"]["address"]: a["status"]["response"]
                   for a in organizer_copy["attendees"]}
        self.assertEqual(answers[self.bob.email], "accepted")
        self.assertEqual(self.sync(bob).counts.get("answered_in_outlook", 0), 0)


@tagged("post_install", "-at_install")
class TestSettingsChecks(OutlookCase):
    def settings(self, **values):
        return self.env["res.config.settings"].create({
            "outlook_enabled": True,
            "outlook_client_id": "0d1c2b3a-4f5e-4a6b-8c7d-9e0f1a2b3c4d",
            "outlook_client_secret": CLIENT_SECRET,
            **values,
        })

    def test_saving_says_what_is_wrong(self):
        self.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        cases = {
            "outlook_client_id": ("my app", "Application (client) ID"),
            "outlook_client_secret": ("0d1c2b3a-4f5e-4a6b-8c7d-9e0f1a2b3c4d", "its Value"),
            "outlook_tenant": ("not a tenant!", "tenant"),
            "outlook_sync_interval": (0, "at least 1 minute"),
        }
        for field, (value, words) in cases.items():
            with self.subTest(field=field), self.assertRaisesRegex(UserError, re.escape(words)):
                self.settings(**{field: value}).execute()

    def test_an_http_address_other_than_localhost_is_refused(self):
        self.env["ir.config_parameter"].set_param("web.base.url", "http://odoo.example.com")
        with self.assertRaisesRegex(UserError, "https"):
            self.settings().execute()

    def test_good_settings_are_saved(self):
        self.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        self.settings(outlook_sync_direction="odoo_to_outlook").execute()
        get = self.env["ir.config_parameter"].get_param
        self.assertEqual(get("outlook_calendar_sync.sync_direction"), "odoo_to_outlook")
