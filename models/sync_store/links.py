"""The binder: which Odoo event is which Outlook event in one account's mailbox.

Links are written in SQL, a page of them in a few queries, and kept in a small buffer until
the end of the step they belong to (``flush``), so that an event and its link are always
saved, or undone, together.
"""

from ...engine.ownership import COPY, ORGANIZER, Meeting
from ...engine.sync_state import Link

_SELECT = ("SELECT local_id, graph_id, ical_uid, change_key, synced_hash, remote_hash, "
           "series_master_graph_id, role, withheld FROM outlook_event_link "
           "WHERE account_id = %s")
_FILTERS = {  # the only ways links are looked up
    None: _SELECT,
    "graph_id": _SELECT + " AND graph_id = ANY(%s)",
    "local_id": _SELECT + " AND local_id = ANY(%s)",
    "series": _SELECT + " AND series_master_graph_id = %s",
}


def _link(row):
    return Link(row[0], row[1], row[2], row[3], row[4] or "", row[5], row[6], row[7],
                bool(row[8]))


class LinkBinder:
    """Needs ``self.account``, ``self.env``, ``self.cr`` (see OdooStore)."""

    def _init_links(self):
        self._links_to_write = {}  # remote id -> Link, written at the end of the step

    def _select_links(self, by=None, value=None):
        self.flush_links()
        params = [self.account.id] if by is None else [self.account.id, value]
        self.cr.execute(_FILTERS[by], params)
        return [_link(row) for row in self.cr.fetchall()]

    def all_links(self):
        return self._select_links()

    def links_by_remote(self, remote_ids):
        remote_ids = list(remote_ids)
        if not remote_ids:
            return {}
        return {link.remote_id: link for link in self._select_links("graph_id", remote_ids)}

    def links_by_local(self, local_ids):
        local_ids = list(local_ids)
        if not local_ids:
            return {}
        return {link.local_id: link for link in self._select_links("local_id", local_ids)}

    def series_links(self, master_remote_id):
        return self._select_links("series", master_remote_id)

    def within_window(self, links, start, end):
        """Remote ids of these links whose Odoo event (a series: any occurrence) meets the
        window; only those can be missing from a complete listing of it."""
        ids = [link.remote_id for link in links]
        if not ids:
            return set()
        self.flush_links()
        self.env["calendar.event"].flush_model(["start", "stop", "recurrence_id"])
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
        self.cr.execute(
            """SELECT l.graph_id FROM outlook_event_link l
                 JOIN calendar_event e ON e.id = l.local_id
                 LEFT JOIN calendar_recurrence r ON r.base_event_id = e.id
                WHERE l.account_id = %s AND l.graph_id = ANY(%s)
                  AND ((r.id IS NULL AND e.stop >= %s AND e.start <= %s)
                       OR EXISTS (SELECT 1 FROM calendar_event o WHERE o.recurrence_id = r.id
                                     AND o.stop >= %s AND o.start <= %s))""",
            [self.account.id, ids, start, end, start, end])
        return {row[0] for row in self.cr.fetchall()}

    def meetings(self, ical_uids):
        """The Odoo meetings carrying these iCalUIds (a copy's own separate event never
        does), with who organizes each and whether a mailbox drives it already."""
        ical_uids = [uid for uid in ical_uids if uid]
        if not ical_uids:
            return {}
        self.flush_links()
        self.env["calendar.event"].flush_model(
            ["outlook_ical_uid", "outlook_organizer_email", "active", "recurrence_id"])
        self.cr.execute(
            """SELECT e.outlook_ical_uid, e.id, coalesce(e.outlook_organizer_email, ''),
                      bool_or(l.role IN ('organizer', 'relay')),
                      max(CASE WHEN l.role = 'organizer' THEN lower(a.mailbox) END)
                 FROM calendar_event e
                 LEFT JOIN outlook_event_link l ON l.event_id = e.id
                 LEFT JOIN outlook_account a ON a.id = l.account_id
                WHERE e.outlook_ical_uid = ANY(%s) AND e.active
                GROUP BY e.id ORDER BY e.id""", [ical_uids])
        found = {}
        for uid, local_id, organizer, driven, owner in self.cr.fetchall():
            found.setdefault(uid, []).append(
                Meeting(local_id, organizer.lower(), bool(driven), owner or ""))
        return found

    def save_link(self, link):
        """Remember a link; an event is linked once per account."""
        for remote_id, queued in list(self._links_to_write.items()):
            if queued.local_id == link.local_id and remote_id != link.remote_id:
                del self._links_to_write[remote_id]
        self._links_to_write[link.remote_id] = link

    def drop_link(self, link):
        """Forget a link; a series master's link takes its occurrences' links along."""
        self.flush_links()
        self.cr.execute(
            "DELETE FROM outlook_event_link WHERE account_id = %s "
            "AND (graph_id = %s OR series_master_graph_id = %s)",
            [self.account.id, link.remote_id, link.remote_id])

    def discard_links(self):
        self._links_to_write = {}

    def flush_links(self):
        """Write the links remembered since the last write, in three queries."""
        if not self._links_to_write:
            return
        rows = list(self._links_to_write.values())
        self._links_to_write = {}

        def column(name):
            return [getattr(link, name) for link in rows]

        local_ids, remote_ids = column("local_id"), column("remote_id")
        self.cr.execute(
            "DELETE FROM outlook_event_link l USING unnest(%s::int[], %s::varchar[]) AS t(lid, gid)"
            " WHERE l.account_id = %s AND l.local_id = t.lid AND l.graph_id != t.gid",
            [local_ids, remote_ids, self.account.id])
        self.cr.execute(
            """INSERT INTO outlook_event_link (account_id, event_id, local_id, graph_id, ical_uid,
                   change_key, synced_hash, remote_hash, series_master_graph_id, role,
                   withheld, create_uid, write_uid, create_date, write_date)
               SELECT %s, e.id, t.lid, t.gid, t.uid, t.ckey, t.hash, t.rhash, t.master, t.role,
                      t.withheld, %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::varchar[],
                             %s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[],
                             %s::bool[])
                      AS t(lid, gid, uid, ckey, hash, rhash, master, role, withheld)
                 LEFT JOIN calendar_event e ON e.id = t.lid
               ON CONFLICT (account_id, graph_id) DO UPDATE SET
                   event_id = EXCLUDED.event_id, local_id = EXCLUDED.local_id,
                   ical_uid = EXCLUDED.ical_uid, change_key = EXCLUDED.change_key,
                   synced_hash = EXCLUDED.synced_hash, remote_hash = EXCLUDED.remote_hash,
                   role = EXCLUDED.role, withheld = EXCLUDED.withheld,
                   series_master_graph_id = COALESCE(EXCLUDED.series_master_graph_id,
                                                     outlook_event_link.series_master_graph_id),
                   write_date = EXCLUDED.write_date""",
            [self.account.id, self.env.uid, self.env.uid, local_ids, remote_ids,
             column("ical_uid"), column("change_key"), column("synced_hash"),
             column("remote_hash"), column("series_master_id"), column("role"),
             column("withheld")])
        # The shared meeting id lets another user's copy find this event (a copy's own
        # separate event keeps it to itself); the organizer's link names its owner.
        meetings = [link for link in rows
                    if not link.series_master_id and link.ical_uid and link.role != COPY]
        self.cr.execute(
            "UPDATE calendar_event e SET outlook_ical_uid = t.uid "
            "FROM unnest(%s::int[], %s::varchar[]) AS t(lid, uid) "
            "WHERE e.id = t.lid AND e.outlook_ical_uid IS NULL",
            [[link.local_id for link in meetings], [link.ical_uid for link in meetings]])
        organized = [link.local_id for link in meetings if link.role == ORGANIZER]
        self.cr.execute(
            "UPDATE calendar_event SET outlook_organizer_email = lower(%s) "
            "WHERE id = ANY(%s) AND outlook_organizer_email IS NULL",
            [self.account.mailbox or "", organized])
        self.env["calendar.event"].browse(local_ids).invalidate_recordset(
            ["outlook_ical_uid", "outlook_organizer_email"])
