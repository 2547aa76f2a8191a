"""The Odoo side of a sync run: calendar events, links and the outbox of one account.

Implements engine.sync_run.LocalStore with the ORM. Every write made here carries the
sync context: Odoo does not mail attendees (Outlook did) and does not queue the change
back to Outlook.
"""

from dataclasses import replace
from datetime import UTC, datetime

from odoo import fields

from ..engine.event_values import values_hash
from ..engine.sync_state import Link, LocalState
from .calendar_event import RECURRENCE_FIELDS, sync_context


class OdooStore:
    def __init__(self, account, *, window_start, commit=True):
        self.account = account.sudo()
        self.env = self.account.env
        self.user = self.account.user_id
        self.events = self.env["calendar.event"].with_context(
            sync_context(self.env, self.account), active_test=False)
        self.window_start = window_start.replace(tzinfo=None)
        self.commit = commit
        self.cr = self.env.cr
        self._prefetch_ids = ()  # the events of the page being synchronized
        self._alarms = {}  # reminder minutes -> calendar.alarm, for this run
        self._links_to_write = {}  # remote id -> (Link, series master id), not written yet

    # -- links -------------------------------------------------------------------------------

    _LINK_QUERY = ("SELECT local_id, graph_id, ical_uid, change_key, synced_hash, remote_hash "
                   "FROM outlook_event_link WHERE account_id = %s")

    def _links(self, column=None, values=None):
        self._write_links()
        query, params = self._LINK_QUERY, [self.account.id]
        if column == "graph_id":
            query, params = query + " AND graph_id = ANY(%s)", [*params, list(values)]
        elif column == "local_id":
            query, params = query + " AND local_id = ANY(%s)", [*params, list(values)]
        self.cr.execute(query, params)
        return [Link(*row[:4], row[4] or "", row[5]) for row in self.cr.fetchall()]

    def links_by_remote(self, remote_ids):
        remote_ids = list(remote_ids)
        if not remote_ids:
            return {}
        return {link.remote_id: link for link in self._links("graph_id", remote_ids)}

    def links_by_local(self, local_ids):
        local_ids = list(local_ids)
        if not local_ids:
            return {}
        return {link.local_id: link for link in self._links("local_id", local_ids)}

    def all_links(self):
        return self._links()

    def save_link(self, link, series_master_id=None):
        """Remember a link; written with the others of the page in a few queries."""
        for remote_id, (queued, _master) in list(self._links_to_write.items()):
            if queued.local_id == link.local_id and remote_id != link.remote_id:
                del self._links_to_write[remote_id]  # an event is linked once per account
        self._links_to_write[link.remote_id] = (link, series_master_id)

    def _write_links(self):
        """Write the links remembered since the last write (before any read of links)."""
        if not self._links_to_write:
            return
        rows = list(self._links_to_write.values())
        self._links_to_write = {}

        def column(name):
            return [getattr(link, name) for link, _master in rows]

        local_ids, remote_ids = column("local_id"), column("remote_id")
        self.cr.execute(
            "DELETE FROM outlook_event_link l USING unnest(%s::int[], %s::varchar[]) AS t(lid, gid)"
            " WHERE l.account_id = %s AND l.local_id = t.lid AND l.graph_id != t.gid",
            [local_ids, remote_ids, self.account.id])
        self.cr.execute(
            """INSERT INTO outlook_event_link (account_id, event_id, local_id, graph_id, ical_uid,
                   change_key, synced_hash, remote_hash, series_master_graph_id, create_uid,
                   write_uid, create_date, write_date)
               SELECT %s, e.id, t.lid, t.gid, t.uid, t.ckey, t.hash, t.rhash, t.master, %s, %s,
                      now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::varchar[],
                             %s::varchar[], %s::varchar[], %s::varchar[])
                      AS t(lid, gid, uid, ckey, hash, rhash, master)
                 LEFT JOIN calendar_event e ON e.id = t.lid
               ON CONFLICT (account_id, graph_id) DO UPDATE SET
                   event_id = EXCLUDED.event_id, local_id = EXCLUDED.local_id,
                   ical_uid = EXCLUDED.ical_uid, change_key = EXCLUDED.change_key,
                   synced_hash = EXCLUDED.synced_hash, remote_hash = EXCLUDED.remote_hash,
                   series_master_graph_id = COALESCE(EXCLUDED.series_master_graph_id,
                                                     outlook_event_link.series_master_graph_id),
                   write_date = EXCLUDED.write_date""",
            [self.account.id, self.env.uid, self.env.uid, local_ids, remote_ids,
             column("ical_uid"), column("change_key"), column("synced_hash"),
             column("remote_hash"), [master for _link, master in rows]])
        # The shared meeting id lets another user's copy find this event.
        self.cr.execute(
            "UPDATE calendar_event e SET outlook_ical_uid = t.uid "
            "FROM unnest(%s::int[], %s::varchar[]) AS t(lid, uid) "
            "WHERE e.id = t.lid AND t.uid IS NOT NULL AND e.outlook_ical_uid IS NULL",
            [local_ids, column("ical_uid")])
        self.events.browse(local_ids).invalidate_recordset(["outlook_ical_uid"])

    def drop_link(self, link):
        self._write_links()
        self.cr.execute("DELETE FROM outlook_event_link WHERE account_id = %s AND graph_id = %s",
                        [self.account.id, link.remote_id])

    def local_by_ical_uid(self, ical_uids):
        ical_uids = [uid for uid in ical_uids if uid]
        if not ical_uids:
            return {}
        self._write_links()
        self.events.flush_model(["outlook_ical_uid", "active"])
        self.cr.execute(
            "SELECT outlook_ical_uid, id FROM calendar_event "
            "WHERE outlook_ical_uid = ANY(%s) AND active", [ical_uids])
        found = dict(self.cr.fetchall())
        self.cr.execute(
            "SELECT ical_uid, local_id FROM outlook_event_link "
            "WHERE ical_uid = ANY(%s) AND event_id IS NOT NULL", [ical_uids])
        for uid, local_id in self.cr.fetchall():
            found.setdefault(uid, local_id)
        return found

    # -- the outbox --------------------------------------------------------------------------

    def pending_changes(self, local_ids=None):
        query = ("SELECT event_id FROM outlook_outbox WHERE account_id = %s "
                 "AND kind = 'event'")
        params = [self.account.id]
        if local_ids is not None:
            local_ids = list(local_ids)
            if not local_ids:
                return []
            query += " AND event_id = ANY(%s)"
            params.append(local_ids)
        self.cr.execute(query, params)
        ids = [row[0] for row in self.cr.fetchall()]
        states, skipped = [], []
        events = {event.id: event for event in self.events.browse(ids).exists()}
        self._prefetch_ids = tuple(events)
        linked = self.links_by_local(ids)
        for event_id in ids:
            state = self._local_state(event_id, events.get(event_id), event_id in linked)
            (states if state else skipped).append(state or event_id)
        self.done_changes(skipped)
        return states

    def _local_state(self, event_id, event, linked):
        if event is None or not event.active:
            return LocalState(event_id, None, datetime.now(UTC), deleted=True)
        if not linked and event.stop < self._push_from():
            return None  # ended before the first sync: never pushed (no invitation storm)
        if event.recurrence_id and event.recurrence_id.base_event_id != event and (
                not linked or self._follows_series(event)):
            return None  # the series master carries it; exceptions go once linked
        return LocalState(event_id, values_hash(event._outlook_values()),
                          event.write_date.replace(tzinfo=UTC),
                          ical_uid=event.outlook_ical_uid or None)

    @staticmethod
    def _follows_series(occurrence):
        """Whether an occurrence shows just what its series says (not an exception)."""
        if not occurrence.follow_recurrence:
            return False  # Odoo marks occurrences whose times were moved
        base = occurrence.recurrence_id.base_event_id
        if not base:
            return True
        mine, theirs = occurrence._outlook_values(), base._outlook_values()
        return replace(mine, start=theirs.start, end=theirs.end, recurrence=None) == replace(
            theirs, recurrence=None)

    def _push_from(self):
        first_sync = self.account.first_sync_at or fields.Datetime.now()
        return max(first_sync, self.window_start)

    def done_changes(self, local_ids):
        local_ids = list(local_ids)
        if local_ids:
            self.cr.execute(
                "DELETE FROM outlook_outbox WHERE account_id = %s AND kind = 'event' "
                "AND event_id = ANY(%s)", [self.account.id, local_ids])

    def pending_answers(self):
        """This user's answers, changed in Odoo, to invitations linked in their mailbox."""
        self._write_links()
        self.env["calendar.attendee"].flush_model(["state", "partner_id", "event_id"])
        self.cr.execute(
            """SELECT l.local_id, l.graph_id, l.ical_uid, l.change_key, l.synced_hash, a.state
                 FROM outlook_outbox o
                 JOIN outlook_event_link l ON l.account_id = o.account_id
                                          AND l.local_id = o.event_id
                 JOIN calendar_attendee a ON a.event_id = o.event_id AND a.partner_id = %s
                WHERE o.account_id = %s AND o.kind = 'response'""",
            [self.user.partner_id.id, self.account.id])
        answers = [(Link(*row[:4], row[4] or ""), row[5]) for row in self.cr.fetchall()]
        self.cr.execute("DELETE FROM outlook_outbox WHERE account_id = %s AND kind = 'response' "
                        "AND event_id != ALL(%s)",
                        [self.account.id, [link.local_id for link, _state in answers]])
        return answers

    def done_answers(self, local_ids):
        local_ids = list(local_ids)
        if local_ids:
            self.cr.execute(
                "DELETE FROM outlook_outbox WHERE account_id = %s AND kind = 'response' "
                "AND event_id = ANY(%s)", [self.account.id, local_ids])

    # -- events ------------------------------------------------------------------------------

    def local_values(self, local_id):
        # Read together with the events of the same page: one query per field, not per event.
        event = self.events.browse(local_id).with_prefetch(self._prefetch_ids or (local_id,))
        return event._outlook_values()

    def local_hash(self, local_id):
        return values_hash(self.local_values(local_id))

    def create_local(self, items):
        partners = self._partners([values for _item, values in items])
        organizers = self._organizers([values for _item, values in items])
        vals_list = []
        for _item, values in items:
            organizer = organizers.get(values.organizer_email)
            vals_list.append(self.events._outlook_vals(values, partners, organizer,
                                                       attendee=self.user.partner_id,
                                                       alarms=self._alarms))
        # Odoo creates recurring events after the others, whatever the order given: create
        # the single events together and each series apart, so ids match their items.
        singles = [i for i, vals in enumerate(vals_list) if not vals.get("recurrency")]
        ids = [None] * len(vals_list)
        created = self.events.create([vals_list[i] for i in singles])
        for index, event in zip(singles, created, strict=True):
            ids[index] = event.id
        for index, vals in enumerate(vals_list):
            if ids[index] is None:
                ids[index] = self.events.create(vals).id
        self._prefetch_ids = tuple(ids)
        for local_id, (_item, values) in zip(ids, items, strict=True):
            self._set_answers(self.events.browse(local_id).with_prefetch(self._prefetch_ids),
                              values)
        return ids

    def update_local(self, local_id, values):
        event = self.events.browse(local_id)
        partners = self._partners([values])
        organizer = self._organizers([values]).get(values.organizer_email)
        vals = self.events._outlook_vals(values, partners, organizer,
                                         attendee=self.user.partner_id, alarms=self._alarms)
        vals["active"] = True
        if event.recurrence_id:
            recurring = bool(values.recurrence) and event.recurrence_id.base_event_id == event
            vals["recurrence_update"] = "all_events" if recurring else "self_only"
            if not recurring:
                vals.pop("recurrency", None)
            self._keep_only_changes(event, vals)
        event.write(vals)
        self._set_answers(event, values)

    def delete_local(self, local_id):
        # Archived, not deleted: nothing is lost, and unarchiving brings it back everywhere.
        event = self.events.browse(local_id).exists()
        if event.recurrence_id and event.recurrence_id.base_event_id == event:
            event.with_context(active_test=True).recurrence_id.calendar_event_ids.write(
                {"active": False})
        event.write({"active": False})

    @staticmethod
    def _keep_only_changes(event, vals):
        """Leave out of `vals` the rule and times a series already has: rewriting them
        makes Odoo rebuild every occurrence (and lose their links)."""
        recurrence = event.recurrence_id
        for name in RECURRENCE_FIELDS + ("event_tz",):
            if name in vals and recurrence[name] == (vals[name] or False):
                del vals[name]
        for name in ("start", "stop"):
            if name in vals and event[name] == vals[name]:
                del vals[name]

    def series_occurrences(self, local_id):
        event = self.events.browse(local_id).exists()
        occurrences = event.recurrence_id.calendar_event_ids.filtered("active") or event
        self._prefetch_ids = tuple(set(self._prefetch_ids) | set(occurrences.ids))
        return {
            (occ.start_date if occ.allday else occ.start.replace(tzinfo=UTC)): occ.id
            for occ in occurrences
        }

    def checkpoint(self):
        # Links and the outbox are written in SQL: the ORM's cached view of them is stale.
        self._write_links()
        self.env["outlook.event.link"].invalidate_model()
        self.env["outlook.outbox"].invalidate_model()
        self.events.invalidate_model(["outlook_link_ids", "outlook_ical_uid"])
        if self.commit:
            self.cr.commit()

    # -- helpers -----------------------------------------------------------------------------

    def _partners(self, values_list):
        """Partners for every attendee e-mail (case-insensitive), created when unknown."""
        wanted = {a.email: a.name for values in values_list for a in values.attendees}
        Partner = self.env["res.partner"].sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        found = {}
        if wanted:
            Partner.flush_model(["email", "active"])
            self.cr.execute("SELECT lower(email), min(id) FROM res_partner "
                            "WHERE lower(email) = ANY(%s) AND active GROUP BY lower(email)",
                            [list(wanted)])
            found = {email: Partner.browse(pid) for email, pid in self.cr.fetchall()}
        missing = [email for email in wanted if email not in found]
        if missing:
            created = Partner.create([{"name": wanted[e] or e, "email": e} for e in missing])
            found.update(zip(missing, created, strict=True))
        return found

    def _organizers(self, values_list):
        """Odoo users organizing these events, by e-mail; this account's mailbox is its user."""
        emails = {values.organizer_email for values in values_list if values.organizer_email}
        result = {}
        mailbox = (self.account.mailbox or "").lower()
        if mailbox in emails:
            result[mailbox] = self.user
        others = emails - set(result)
        if others:
            self.env["res.users"].flush_model(["active", "share", "partner_id"])
            self.env["res.partner"].flush_model(["email"])
            self.cr.execute(
                "SELECT lower(p.email), min(u.id) FROM res_users u "
                "JOIN res_partner p ON p.id = u.partner_id "
                "WHERE lower(p.email) = ANY(%s) AND u.active AND u.share IS NOT TRUE "
                "GROUP BY lower(p.email)", [list(others)])
            users = self.env["res.users"].sudo()
            result.update({email: users.browse(uid) for email, uid in self.cr.fetchall()})
        return result

    def _set_answers(self, event, values):
        """Attendees' answers as Outlook shows them (the organizer attends)."""
        answers = {a.email: a.response for a in values.attendees}
        if values.organizer_email:
            answers.setdefault(values.organizer_email, "accepted")
        for attendee in event.attendee_ids:
            email = (attendee.partner_id.email or "").lower()
            if email in answers and attendee.state != answers[email]:
                attendee.state = answers[email]
