"""Pairing Outlook's series instances with Odoo's occurrences, after the series exist on
both sides (``engine.series`` decides; this carries its decisions out). Part of
``engine.sync_run.SyncRun``.
"""

from . import series
from .errors import ConsentRevoked
from .inbound import Inbound, read_items
from .planner import Unlink
from .sync_state import RemoteState


class SeriesPairing:
    """Needs the attributes SyncRun sets up (store, client, report, ...)."""

    def _pair_series(self, inbound):
        """Pair the instances Outlook showed with Odoo's occurrences of the same start."""
        if not inbound.listings:
            return
        links = self.store.links_by_remote(inbound.listings)
        for master_id, listing in inbound.listings.items():
            if master_id in links:
                self._pair_safely(links[master_id], listing, inbound,
                                  created=master_id in self._created_series)
        self.store.checkpoint()

    def _pair_safely(self, master, listing, inbound, created, stale=False):
        try:
            with self.store.isolated():
                if stale:  # Outlook made new instances for a new rule: pair them anew
                    for link in self.store.series_links(master.remote_id):
                        if link.remote_id not in listing.instances:
                            self.store.drop_link(link)
                self._pair(master, listing, inbound, created)
        except ConsentRevoked:
            raise
        except Exception as error:  # noqa: BLE001 - one series must not stop the run
            self._fail(Unlink(master), error, inbound)

    def _pair_pushed_series(self):
        """After creating or changing series in Outlook, link their instances; Odoo's own
        occurrences are never deleted for lack of an Outlook instance."""
        masters, self._pushed_series = self._pushed_series, []
        if not masters:
            return
        for master in masters:
            inbound = Inbound()
            items = self.client.list_instances(
                master.remote_id, self.scope.window_start, self.scope.window_end)
            read_items(inbound, items, self.owner_email, lambda ids: {})
            listing = inbound.listing(master.remote_id)
            listing.complete = True
            self._pair_safely(master, listing, inbound, created=False, stale=True)
        self.store.checkpoint()

    def _pair(self, master, listing, inbound, created):
        odoo_series = self.store.series(master.local_id)
        if odoo_series is None:
            return
        live = set(odoo_series.occurrences.values())
        links = []
        for link in self.store.series_links(master.remote_id):
            if link.local_id in live or self.store.exists(link.local_id):
                links.append(link)
            else:
                self.store.drop_link(link)  # Odoo rebuilt this occurrence: paired anew
        decision = series.reconcile(odoo_series, listing, links, self.scope.window_start,
                                    self.scope.window_end)
        for local_id, instance in decision.pairs:
            if instance.cancelled:
                self.store.remove_local(local_id)
                self.report.count("deleted_in_odoo")
                continue
            state = inbound.states.get(instance.remote_id) or RemoteState(
                instance.remote_id, None, None, None, kind=instance.kind,
                series_master_id=master.remote_id)
            values = inbound.values.get(instance.remote_id)
            if values is not None and instance.kind == "exception":
                self.store.update_local(local_id, values, master.role)
            self.store.save_link(self._link(local_id, state, values, master.remote_id,
                                            master.role))
        if created and listing.complete:
            for local_id in decision.unmatched:  # Odoo's rule gave more than Outlook has
                self.store.remove_local(local_id)
