/** @odoo-module **/

import { Component, onMounted, status as componentStatus, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { AlertDialog, ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { useService } from "@web/core/utils/hooks";
import { syncSummary } from "./sync_summary";

const MODEL = "outlook.account";
// Set in this tab while the user is away at Microsoft's sign-in page.
const SIGNING_IN_KEY = "outlook_calendar_sync.signing_in";

/** What Outlook will mail when the first synchronization sends the user's events. */
function invitationSentence(invitations) {
    if (!invitations) {
        return _t("They have no other attendees, so Outlook will email no invitation.");
    }
    return invitations === 1
        ? _t("Outlook will email 1 invitation to an attendee.")
        : _t("Outlook will email %s invitations to their attendees.", invitations);
}

/**
 * The Outlook button of the calendar view: shows where the current user's sync stands and
 * starts what comes next (configure, sign in, sync now, pause, resume).
 */
export class OutlookSyncButton extends Component {
    static template = "outlook_calendar_sync.OutlookSyncButton";
    static components = { Dropdown, DropdownItem };
    static props = {
        // reloads the calendar's events once a synchronization changed them
        onSynced: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.action = useService("action");
        this.state = useState({ status: null, busy: false });
        // The status is fetched once the calendar is shown, not before, so that opening the
        // calendar never waits for it; until it arrives the button is plain and does nothing.
        onMounted(() => this.loadStatus());
    }

    async loadStatus() {
        const status = await this.orm.silent.call(MODEL, "button_status", []);
        if (componentStatus(this) === "destroyed") {
            return; // the user already left the calendar
        }
        this.state.status = status;
        const backFromSignIn = browser.sessionStorage.getItem(SIGNING_IN_KEY);
        browser.sessionStorage.removeItem(SIGNING_IN_KEY);
        // Back from Microsoft's sign-in page (or connected by some other way and never
        // synchronized): bring Outlook's events in right away.
        if (this.status.state === "connected" && (backFromSignIn || !this.status.last_sync)) {
            await this.syncNow();
        }
    }

    get status() {
        return this.state.status || { state: "loading" };
    }

    get hasMenu() {
        return ["connected", "paused", "error"].includes(this.status.state);
    }

    get icon() {
        if (this.state.busy) {
            return "fa fa-refresh fa-spin";
        }
        return {
            connected: "fa fa-check text-success",
            paused: "fa fa-pause text-warning",
            error: "fa fa-exclamation-triangle text-danger",
        }[this.status.state] || "";
    }

    get tooltip() {
        const status = this.status;
        switch (status.state) {
            case "not_configured":
                return _t("Outlook synchronization is not configured yet.");
            case "disconnected":
                return _t("Click to connect your Outlook calendar.");
            case "connected":
                return status.mailbox
                    ? _t("Synchronized with %s. Click to synchronize now.", status.mailbox)
                    : _t("Synchronized with Outlook. Click to synchronize now.");
            case "paused":
                return status.paused_by_admin
                    ? _t("Synchronization is paused by your administrator.")
                    : _t("Synchronization is paused. Click to resume it.");
            case "error":
                return status.last_error || _t("The last synchronization failed.");
        }
        return _t("Outlook");
    }

    get lastSyncText() {
        if (!this.status.last_sync) {
            return _t("Not synchronized yet");
        }
        const when = formatDateTime(deserializeDateTime(this.status.last_sync));
        return _t("Last synchronized: %s", when);
    }

    // -- actions -----------------------------------------------------------------------------

    async onClick() {
        if (this.state.busy) {
            return;
        }
        switch (this.status.state) {
            case "not_configured":
                return this.askConfiguration();
            case "disconnected":
                return this.connect();
            case "connected":
            case "error":
                return this.syncNow();
            case "paused":
                return this.status.paused_by_admin ? this.explainAdminPause() : this.resume();
        }
    }

    askConfiguration() {
        if (this.status.is_admin) {
            this.dialog.add(ConfirmationDialog, {
                title: _t("Outlook Calendar"),
                body: _t("Outlook synchronization is not configured yet. Configure it now?"),
                confirmLabel: _t("Configure"),
                confirm: () => this.action.doAction(this.status.settings_action),
                cancel: () => {},
            });
        } else {
            this.dialog.add(AlertDialog, {
                title: _t("Outlook Calendar"),
                body: _t(
                    "Outlook synchronization is not configured yet: ask an administrator to set it up in Calendar settings, then click this button again."
                ),
            });
        }
    }

    explainAdminPause() {
        this.dialog.add(AlertDialog, {
            title: _t("Outlook Calendar"),
            body: _t(
                "Your administrator has paused Outlook synchronization for everyone. It will resume when they turn it back on in Calendar settings."
            ),
        });
    }

    /** Sign in at Microsoft, after saying what the first synchronization will send. */
    connect() {
        const preview = this.status.first_sync;
        if (!preview || !preview.events) {
            return this.goToSignIn();
        }
        const sentences = [
            preview.events === 1
                ? _t("1 upcoming Odoo event will be added to your Outlook calendar.")
                : _t(
                      "%s upcoming Odoo events will be added to your Outlook calendar.",
                      preview.events
                  ),
            invitationSentence(preview.invitations),
            _t("Past events stay in Odoo only."),
        ];
        this.dialog.add(ConfirmationDialog, {
            title: _t("Connect to Outlook"),
            body: sentences.join(" "),
            confirmLabel: _t("Continue"),
            confirm: () => this.goToSignIn(),
            cancel: () => {},
        });
    }

    async goToSignIn() {
        this.state.busy = true;
        const here = browser.location;
        const returnUrl = here.pathname + here.search + here.hash;
        try {
            const { url } = await this.orm.call(MODEL, "button_connect", [returnUrl]);
            browser.sessionStorage.setItem(SIGNING_IN_KEY, "1");
            browser.location.assign(url);
        } catch (error) {
            this.state.busy = false;
            throw error;
        }
    }

    async syncNow() {
        this.state.busy = true;
        try {
            const status = await this.orm.call(MODEL, "button_sync", []);
            this.state.status = status;
            if (status.report) {
                await this.props.onSynced();
            }
            this.notifyResult(status);
        } finally {
            this.state.busy = false;
        }
    }

    notifyResult(status) {
        if (status.state === "error") {
            const close = this.notification.add(
                status.last_error || _t("The synchronization failed."),
                {
                    title: _t("Outlook synchronization failed"),
                    type: "danger",
                    // Most lasting failures are an expired or withdrawn sign-in.
                    buttons: [
                        {
                            name: _t("Reconnect"),
                            onClick: () => {
                                close();
                                this.goToSignIn();
                            },
                        },
                    ],
                }
            );
        } else if (status.report) {
            this.notification.add(syncSummary(status.report), {
                title: _t("Synchronized with Outlook"),
                type: status.report.errors ? "warning" : "success",
            });
        } else if (status.state === "paused") {
            this.notification.add(this.tooltip, { type: "warning" });
        }
    }

    async pause() {
        this.state.status = await this.orm.call(MODEL, "button_pause", []);
        this.notification.add(
            _t("Outlook synchronization is paused. Resume it from the Outlook menu whenever you want."),
            { type: "info" }
        );
    }

    async resume() {
        this.state.status = await this.orm.call(MODEL, "button_resume", []);
        if (this.status.state === "connected") {
            await this.syncNow();
        } else {
            this.notifyResult(this.status);
        }
    }
}
