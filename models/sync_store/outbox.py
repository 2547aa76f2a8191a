"""The outbox: Odoo's changes waiting for Outlook, the user's answers, and what to read again.

Reading it changes nothing. A change leaves it when Outlook confirmed it (``confirm``) or
refused it for good (``refuse``: kept, marked, for the user to see and retry), and only if
the event did not change again since it was read: each queued change has a version.
"""

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime

from ...engine.event_values import values_hash
from ...engine.sync_state import Link, LocalState


class OutboxQueue:
    """Needs ``self.account``, ``self.env``, ``self.cr``, ``self.events`` (see OdooStore)."""

    def _init_outbox(self):
        self._versions = {}  # event id -> version of its queued change, as last read
        self._unsendable = False

    def pending(self):
        self.env["outlook.outbox"].flush_model()
        self.cr.execute(
            "SELECT event_id, version, transaction_id, withhold_invitations FROM outlook_outbox "
            "WHERE account_id = %s AND kind = 'event' AND state = 'pending' ORDER BY event_id",
            [self.account.id])
        rows = self.cr.fetchall()
        self._versions = {row[0]: row[1] for row in rows}
        events = {e.id: e for e in self.events.browse([row[0] for row in rows]).exists()}
        self._prefetch_ids = tuple(events)
        return [replace(self._local_state(event_id, events.get(event_id), transaction_id),
                        withhold_invitations=bool(withhold))
                for event_id, _version, transaction_id, withhold in rows]

    def _local_state(self, event_id, event, transaction_id):
        if event is None or not event.active:
            occurrence = bool(event and event.recurrence_id
                              and event.recurrence_id.base_event_id != event)
            return LocalState(event_id, None, _utc(event.write_date) if event else _utc(None),
                              deleted=True, occurrence=occurrence,
                              transaction_id=transaction_id)
        occurrence = bool(event.recurrence_id) and event.recurrence_id.base_event_id != event
        return LocalState(
            event_id, values_hash(event._outlook_values()), _utc(event.write_date),
            ical_uid=event.outlook_ical_uid or None, ends_at=_utc(event.stop),
            occurrence=occurrence,
            follows_series=occurrence and self._follows_series(event),
            transaction_id=transaction_id)

    def transaction_ids(self, local_ids):
        local_ids = sorted(set(local_ids))
        self.cr.execute(
            "INSERT INTO outlook_outbox (account_id, event_id, kind, queued_at, version, state) "
            "SELECT %s, e, 'event', now() AT TIME ZONE 'UTC', 1, 'pending' "
            "FROM unnest(%s::int[]) AS e ON CONFLICT (account_id, event_id, kind) DO NOTHING",
            [self.account.id, local_ids])
        self.cr.execute(
            "UPDATE outlook_outbox SET transaction_id = t.tx "
            "FROM unnest(%s::int[], %s::varchar[]) AS t(e, tx) "
            "WHERE account_id = %s AND kind = 'event' AND event_id = t.e "
            "AND transaction_id IS NULL",
            [local_ids, [str(uuid.uuid4()) for _ in local_ids], self.account.id])
        self.cr.execute(
            "SELECT event_id, transaction_id, version FROM outlook_outbox "
            "WHERE account_id = %s AND kind = 'event' AND event_id = ANY(%s)",
            [self.account.id, local_ids])
        ids = {}
        for event_id, transaction_id, version in self.cr.fetchall():
            ids[event_id] = transaction_id
            self._versions.setdefault(event_id, version)
        self.env["outlook.outbox"].invalidate_model()
        return ids

    def queue(self, local_ids):
        self.env["outlook.outbox"]._enqueue([(self.account.id, i) for i in local_ids])

    def confirm(self, local_ids):
        pairs = [(i, self._versions[i]) for i in local_ids if i in self._versions]
        if not pairs:
            return
        self.cr.execute(
            "DELETE FROM outlook_outbox o USING unnest(%s::int[], %s::int[]) AS t(e, v) "
            "WHERE o.account_id = %s AND o.kind = 'event' AND o.event_id = t.e "
            "AND o.version = t.v",
            [[e for e, _v in pairs], [v for _e, v in pairs], self.account.id])
        self.env["outlook.outbox"].invalidate_model()

    def refuse(self, local_id, error):
        self.cr.execute(
            "UPDATE outlook_outbox SET state = 'refused', error = %s "
            "WHERE account_id = %s AND kind = 'event' AND event_id = %s AND version = %s",
            [error.text(self.env._), self.account.id, local_id,
             self._versions.get(local_id, 0)])
        self.env["outlook.outbox"].invalidate_model()

    # -- answers ---------------------------------------------------------------------------

    def pending_answers(self):
        """This user's answers, changed in Odoo, to invitations linked in their mailbox."""
        self.flush_links()
        self.env["calendar.attendee"].flush_model(["state", "partner_id", "event_id"])
        self.env["outlook.outbox"].flush_model()
        self.cr.execute(
            """SELECT o.event_id, l.graph_id, l.ical_uid, l.change_key, l.synced_hash, a.state
                 FROM outlook_outbox o
                 LEFT JOIN outlook_event_link l ON l.account_id = o.account_id
                                               AND l.local_id = o.event_id
                 LEFT JOIN calendar_attendee a ON a.event_id = o.event_id
                                              AND a.partner_id = %s
                WHERE o.account_id = %s AND o.kind = 'response'""",
            [self.user.partner_id.id, self.account.id])
        rows = self.cr.fetchall()
        self._unsendable = any(row[1] is None or row[5] is None for row in rows)
        return [(Link(*row[:4], row[4] or ""), row[5]) for row in rows
                if row[1] is not None and row[5] is not None]

    def has_unsendable_answers(self):
        """Answers queued for invitations this mailbox has no copy of (read by
        pending_answers): confirming clears them."""
        return self._unsendable

    def confirm_answers(self, local_ids):
        """Answers sent, and answers that cannot be sent (the invitation is not linked)."""
        self.flush_links()
        self.cr.execute(
            "DELETE FROM outlook_outbox o WHERE o.account_id = %s AND o.kind = 'response' "
            "AND (o.event_id = ANY(%s) OR NOT EXISTS (SELECT 1 FROM outlook_event_link l "
            "WHERE l.account_id = o.account_id AND l.local_id = o.event_id) "
            "OR NOT EXISTS (SELECT 1 FROM calendar_attendee a "
            "WHERE a.event_id = o.event_id AND a.partner_id = %s))",
            [self.account.id, list(local_ids), self.user.partner_id.id])
        self.env["outlook.outbox"].invalidate_model()

    # -- Outlook events to read again ---------------------------------------------------------

    def inbound_retries(self):
        return json.loads(self.account.inbound_retries or "[]")

    def retry_inbound(self, remote_ids):
        value = json.dumps(sorted(remote_ids)) if remote_ids else False
        if (self.account.inbound_retries or False) != value:
            self.account.inbound_retries = value


def _utc(moment):
    return (moment or datetime(1970, 1, 1)).replace(tzinfo=UTC)
