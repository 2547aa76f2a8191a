/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { deserializeDate, deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";

/**
 * Before signing in at Microsoft: the upcoming Odoo events the first synchronization will
 * send to Outlook, whom Outlook will invite for each, and the user's choice: send them and
 * let Outlook invite the attendees, send them without inviting anyone (the attendee list
 * goes into the event's description), or keep them in Odoo only.
 */
export class FirstSyncDialog extends Component {
    static template = "outlook_calendar_sync.FirstSyncDialog";
    static components = { Dialog };
    static props = {
        preview: Object,
        onConfirm: Function,
        close: Function,
    };

    setup() {
        this.state = useState({ choice: "invite" });
        this.title = _t("Connect to Outlook");
    }

    get choices() {
        const invitations = this.props.preview.invitations;
        return [
            {
                value: "invite",
                label: _t("Send them, and let Outlook invite their attendees"),
                help: invitations
                    ? _t("Outlook emails %s invitations, as listed above.", invitations)
                    : _t("Nobody else is invited to these events: no email is sent."),
            },
            {
                value: "no_invite",
                label: _t("Send them without inviting anyone"),
                help: _t(
                    "The events appear in your Outlook calendar only; their attendee list is written in the event's description."
                ),
            },
            {
                value: "keep",
                label: _t("Don't send them"),
                help: _t(
                    "They stay in Odoo only. Events you create or change from now on are synchronized as usual."
                ),
            },
        ];
    }

    get summary() {
        const { events, invitations } = this.props.preview;
        const sent =
            events === 1
                ? _t("1 upcoming Odoo event can be added to your Outlook calendar.")
                : _t("%s upcoming Odoo events can be added to your Outlook calendar.", events);
        const mails = !invitations
            ? _t("They have no other attendees, so Outlook would email no invitation.")
            : invitations === 1
            ? _t("Outlook would email 1 invitation to an attendee.")
            : _t("Outlook would email %s invitations to their attendees.", invitations);
        const past = _t("Past events stay in Odoo only.");
        return `${sent} ${mails} ${past}`;
    }

    get moreText() {
        return _t("And %s more events.", this.props.preview.more);
    }

    when(row) {
        return row.allday
            ? formatDate(deserializeDate(row.start.slice(0, 10)))
            : formatDateTime(deserializeDateTime(row.start));
    }

    invitationsText(row) {
        return row.invitees.length
            ? row.invitees.join(", ")
            : _t("No invitation");
    }

    confirm() {
        this.props.onConfirm(this.state.choice);
        this.props.close();
    }
}
