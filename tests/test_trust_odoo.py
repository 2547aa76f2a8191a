"""The sync core's promises in real Odoo: series sent in parts, one bad event, Outlook
refusing a change, and the mass-deletion guard with its two choices."""

from collections import Counter
from datetime import timedelta

from odoo.tests import tagged

from .common import OutlookCase, graph_event


def weekly(start, count):
    return {"pattern": {"type": "weekly", "interval": 1,
                        "daysOfWeek": [start.strftime("%A").lower()]},
            "range": {"type": "numbered", "startDate": start.strftime("%Y-%m-%d"),
                      "numberOfOccurrences": count}}


@tagged("post_install", "-at_install")
class TestSeriesInParts(OutlookCase):
    def seed(self, series=4, occurrences=6):
        masters = []
        for n in range(series):
            start = self.in_days(1 + n, 8 + n)
            masters.append(self.emulator.create_event(self.alice.email, graph_event(
                f"Series {n}", start, recurrence=weekly(start, occurrences))))
        for n in range(6):
            self.emulator.create_event(self.alice.email,
                                       graph_event(f"Single {n}", self.in_days(n + 1)))
        return masters

    def counts(self):
        return Counter(self.events([("name", "=like", "S%")]).mapped("name"))

    def test_split_pages_and_a_master_without_its_occurrences(self):
        self.check_series_in_parts("split", "master_only", "absent")

    def test_occurrences_before_their_master_and_a_lone_exception(self):
        self.check_series_in_parts("split_reversed", "instance_only", "cancelled")

    def test_split_pages_and_only_the_changed_occurrences(self):
        self.check_series_in_parts("split", "changed_only", "removed")

    def check_series_in_parts(self, paging, rounds, deletion):
        self.emulator.set_options(series_paging=paging, incremental_series=rounds,
                                  deleted_occurrence=deletion)
        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.delta_page_size", 5)
        alice = self.connect(self.alice)
        masters = self.seed()
        self.sync(alice)
        self.assertEqual(self.counts(), Counter(
            {**{f"Series {n}": 6 for n in range(4)}, **{f"Single {n}": 1 for n in range(6)}}))
        instances = self.graph_get(
            self.alice.email, f"/me/events/{masters[2]['id']}/instances",
            startDateTime=self.in_days(-1).isoformat(),
            endDateTime=self.in_days(80).isoformat())["value"]
        self.emulator.update_event(self.alice.email, instances[1]["id"],
                                   {"subject": "Series 2 (moved)"})
        self.emulator.delete_event(self.alice.email, instances[4]["id"])
        report = self.sync(alice)
        self.assertFalse(report.errors, report.errors)
        counts = self.counts()
        self.assertEqual(counts["Series 2"], 4, "only the deleted one left Odoo")
        self.assertEqual(counts["Series 2 (moved)"], 1)
        self.assertEqual([counts[f"Series {n}"] for n in (0, 1, 3)], [6, 6, 6])


@tagged("post_install", "-at_install")
class TestOneBadEvent(OutlookCase):
    def test_an_out_of_range_reminder_is_reported_and_the_rest_arrives(self):
        alice = self.connect(self.alice)
        for n in range(3):
            self.emulator.create_event(self.alice.email, graph_event(f"Fine {n}", self.in_days(1)))
        self.emulator.create_event(self.alice.email, graph_event(
            "Far reminder", self.in_days(2), isReminderOn=True,
            reminderMinutesBeforeStart=10**12))
        report = self.sync(alice)
        self.assertEqual([e.subject for e in report.errors], ["Far reminder"])
        self.assertEqual(sorted(self.events([("name", "=like", "Fine%")]).mapped("name")),
                         ["Fine 0", "Fine 1", "Fine 2"])
        run = self.env["outlook.sync.run"].search([("account_id", "=", alice.id)], limit=1)
        self.assertEqual(run.state, "partial")
        self.assertIn("Far reminder", run.errors)

    def test_an_event_odoo_refuses_is_reported_and_read_again_later(self):
        alice = self.connect(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("Fine", self.in_days(1)))
        self.emulator.create_event(self.alice.email, graph_event("Refused by Odoo",
                                                                 self.in_days(1)))
        CalendarEvent = type(self.env["calendar.event"])
        original = CalendarEvent.create

        def create(model, vals_list):
            if any(vals.get("name") == "Refused by Odoo" for vals in vals_list):
                raise ValueError("a value Odoo does not accept")
            return original(model, vals_list)

        CalendarEvent.create = create
        try:
            report = self.sync(alice)
        finally:
            CalendarEvent.create = original
        self.assertEqual([e.subject for e in report.errors], ["Refused by Odoo"])
        fine = self.events([("name", "=", "Fine")])
        self.assertEqual(len(fine), 1)
        self.assertTrue(fine.with_context(active_test=False).outlook_link_ids,
                        "no Odoo event without its link")
        self.sync(alice)  # read again, accepted this time
        self.assertEqual(len(self.events([("name", "=", "Refused by Odoo")])), 1)


@tagged("post_install", "-at_install")
class TestRefusedChange(OutlookCase):
    def test_a_change_outlook_refuses_is_listed_with_a_retry(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        self.emulator.add_fault("POST", "/v1.0/me/events", "status", status=400, times=1)
        event = self.env["calendar.event"].with_user(self.alice).create({
            "name": "Refused once", "start": self.in_days(1), "stop": self.in_days(1, 10)})
        report = self.sync(alice)
        self.assertEqual(len(report.errors), 1)
        (refused,) = alice.refused_ids
        self.assertEqual((refused.event_id, refused.name), (event.id, "Refused once"))
        self.assertEqual(self.sync(alice).counts, {}, "not sent again as it is")
        refused.with_user(self.alice).action_retry()
        self.assertEqual(self.sync(alice).counts.get("created_in_outlook"), 1)
        self.assertFalse(alice.refused_ids)


@tagged("post_install", "-at_install")
class TestMassDeletionGuard(OutlookCase):
    def linked(self, count):
        alice = self.connect(self.alice)
        events = self.env["calendar.event"].with_user(self.alice).create([{
            "name": f"Linked {n:03}", "start": self.in_days(1) + timedelta(minutes=n),
            "stop": self.in_days(1) + timedelta(minutes=n + 30)} for n in range(count)])
        self.sync(alice)
        return alice, events

    def test_deleting_a_few_of_many_events_in_odoo_reaches_outlook(self):
        alice, events = self.linked(200)
        events[:11].with_user(self.alice).unlink()
        report = self.sync(alice)
        self.assertFalse(report.held)
        self.assertEqual(report.counts["deleted_in_outlook"], 11)
        self.assertEqual(len(self.emulator.events(self.alice.email)), 189)

    def test_deleting_a_weekly_series_in_odoo_reaches_outlook(self):
        alice, _events = self.linked(5)
        series = self.env["calendar.event"].with_user(self.alice).create({
            "name": "Weekly review", "start": self.in_days(1), "stop": self.in_days(1, 10),
            "recurrency": True, "rrule_type": "weekly", "interval": 1, "end_type": "count",
            "count": 15, self.in_days(1).strftime("%a").lower()[:3]: True})
        self.sync(alice)
        series.recurrence_id.calendar_event_ids.with_user(self.alice).unlink()
        report = self.sync(alice)
        self.assertFalse(report.held)
        subjects = [e["subject"] for e in self.emulator.events(self.alice.email)]
        self.assertNotIn("Weekly review", subjects)

    def wipe_outlook(self, alice, count):
        for event in self.emulator.events(self.alice.email)[:count]:
            self.emulator.delete_event(self.alice.email, event["id"])
        return self.sync(alice)

    def test_a_wipe_is_held_and_shown_then_confirmed(self):
        alice, events = self.linked(30)
        report = self.wipe_outlook(alice, 20)
        self.assertEqual((report.held.side, report.held.deletions), ("odoo", 20))
        self.assertEqual(len(events.exists().filtered("active")), 30, "nothing deleted yet")
        self.assertEqual(alice.held_deletion_count, 20)
        status = alice.with_user(self.alice).button_status()
        self.assertEqual(status["held_deletions"]["count"], 20)
        self.assertEqual(self.sync(alice).held.deletions, 20, "still held")
        alice.with_user(self.alice).action_confirm_deletions()
        report = self.sync(alice)
        self.assertEqual(report.counts["deleted_in_odoo"], 20)
        self.assertEqual(len(events.filtered("active")), 10)
        self.assertFalse(alice.held_deletion_ids)

    def test_a_wipe_is_held_then_restored_from_odoo(self):
        alice, events = self.linked(30)
        self.wipe_outlook(alice, 20)
        alice.with_user(self.alice).action_restore_deletions()
        self.sync(alice)
        self.assertEqual(len(self.emulator.events(self.alice.email)), 30)
        self.assertEqual(len(events.filtered("active")), 30)
        self.assertFalse(alice.held_deletion_ids)
        self.assertEqual(self.sync(alice).counts, {})

    def test_a_wipe_in_odoo_is_held_then_restored_from_outlook(self):
        alice, events = self.linked(30)
        events[:25].with_user(self.alice).write({"active": False})
        report = self.sync(alice)
        self.assertEqual((report.held.side, report.held.deletions), ("outlook", 25))
        self.assertEqual(len(self.emulator.events(self.alice.email)), 30)
        alice.with_user(self.alice).action_restore_deletions()
        self.sync(alice)
        self.assertEqual(len(events.filtered("active")), 30)
        self.assertEqual(len(self.emulator.events(self.alice.email)), 30)


@tagged("post_install", "-at_install")
class TestRuleApproximation(OutlookCase):
    def test_what_odoo_cannot_keep_of_a_repeat_rule_is_said_on_the_event(self):
        alice = self.connect(self.alice)
        start = self.in_days(2)
        self.emulator.create_event(self.alice.email, graph_event("Day 31", start, recurrence={
            "pattern": {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
            "range": {"type": "numbered", "startDate": start.strftime("%Y-%m-%d"),
                      "numberOfOccurrences": 4}}))
        self.sync(alice)
        base = self.events([("name", "=", "Day 31")])[:1]
        self.assertIn("Outlook uses the month's last day", base.recurrence_id.base_event_id
                      .outlook_note)
        run = self.env["outlook.sync.run"].search([("account_id", "=", alice.id)], limit=1)
        self.assertIn('"Day 31": In months without a day 31', run.notes)


@tagged("post_install", "-at_install")
class TestFirstSyncChoices(OutlookCase):
    def upcoming_meeting(self):
        guest = self.env["res.partner"].create({"name": "Ann", "email": "ann@fabrikam.example"})
        return self.env["calendar.event"].with_user(self.alice).create({
            "name": "Kick-off", "start": self.in_days(2), "stop": self.in_days(2, 10),
            "partner_ids": [(6, 0, [self.alice.partner_id.id, guest.id])]})

    def first_sync(self, choice):
        event = self.upcoming_meeting()
        account = self.env["outlook.account"]._for_user(self.alice)
        account.first_sync_choice = choice
        self.sync(self.connect(self.alice))
        return event

    def test_sent_without_inviting_anyone(self):
        event = self.first_sync("no_invite")
        (copy,) = self.emulator.events(self.alice.email)
        self.assertEqual(copy["attendees"], [])
        self.assertIn("ann@fabrikam.example", copy["body"]["content"])
        self.assertEqual(self.emulator.counters()["mail"]["invitation"], 0)
        self.assertEqual(len(event.partner_ids), 2, "Odoo keeps its attendees")

    def test_kept_in_odoo_only(self):
        self.first_sync("keep")
        self.assertEqual(self.emulator.events(self.alice.email), [])

    def test_sent_and_invited(self):
        self.first_sync("invite")
        (copy,) = self.emulator.events(self.alice.email)
        self.assertEqual([a["emailAddress"]["address"] for a in copy["attendees"]],
                         ["ann@fabrikam.example"])


@tagged("post_install", "-at_install")
class TestHeldDeletionsOnTheCalendarTab(TestMassDeletionGuard):
    allow_inherited_tests_method = False

    def test_an_administrator_chooses_from_the_users_calendar_tab(self):
        alice, events = self.linked(30)
        self.wipe_outlook(alice, 20)
        admin = self.env.ref("base.user_admin")
        user_form = self.alice.with_user(admin)
        self.assertEqual(user_form.outlook_held_deletion_count, 20)
        user_form.action_outlook_restore_deletions()
        self.sync(alice)
        self.assertEqual(len(self.emulator.events(self.alice.email)), 30)
        self.assertEqual(user_form.outlook_held_deletion_count, 0)
