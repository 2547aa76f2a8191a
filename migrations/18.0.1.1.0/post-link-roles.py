"""Upgrade to shared-meeting roles: links made before them learn whether their mailbox
organizes the meeting (see models/outlook_event_link.py)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["outlook.event.link"]._set_roles_of_older_links()
