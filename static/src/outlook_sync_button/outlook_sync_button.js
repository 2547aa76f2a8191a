/** @odoo-module **/

import {
    Component,
    onMounted,
    onWillUnmount,
    status as componentStatus,
    useEffect,
    useState,
} from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { AlertDialog, ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { useService } from "@web/core/utils/hooks";
import { FirstSyncDialog } from "./first_sync_dialog";
import { syncSummary } from "./sync_summary";

const MODEL = "outlook.account";
// Set in this tab while the user is away at Microsoft's sign-in page.
const SIGNING_IN_KEY = "outlook_calendar_sync.signing_in";
// While a synchronization runs in the background, the status is also asked now and then, in
// case a message of the bus was missed (connection lost meanwhile).
const POLL_DELAY = 4000;

function formatWhen(serialized) {
    return formatDateTime(deserializeDateTime(serialized));
}

/**
 * The Outlook button in the calendar's control panel: the Outlook logo with a mark telling
 * where the current user's synchronization stands, a main action that fixes the state it
 * shows (connect, resume, reconnect, try again), and a menu with the details and the rest.
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
        this.outlookSync = useService("outlook_sync");
        this.sync = useState(this.outlookSync.state);
        this.state = useState({ status: null, busy: false });
        this.pollTimer = null;
        // The status is fetched once the calendar is shown, not before, so that opening the
        // calendar never waits for it; until it arrives the button is plain and does nothing.
        onMounted(() => this.loadStatus());
        onWillUnmount(() => browser.clearTimeout(this.pollTimer));
        // A synchronization ended (told by the bus): show where things stand now.
        useEffect(
            (ends) => {
                if (ends && this.state.status) {
                    this.refreshAfterRun();
                }
            },
            () => [this.sync.ends]
        );
    }

    async loadStatus() {
        const status = await this.orm.silent.call(MODEL, "button_status", []);
        if (componentStatus(this) === "destroyed") {
            return; // the user already left the calendar
        }
        this.setStatus(status);
        const backFromSignIn = browser.sessionStorage.getItem(SIGNING_IN_KEY);
        browser.sessionStorage.removeItem(SIGNING_IN_KEY);
        // Back from Microsoft's sign-in page (or connected by some other way and never
        // synchronized): the first synchronization starts in the background.
        if (status.state === "connected" && status.first_sync_pending && !status.running) {
            await this.startFirstSync(Boolean(backFromSignIn));
        } else if (status.state === "connected" && backFromSignIn && !status.running) {
            await this.syncNow(); // reconnected: catch up at once
        }
    }

    setStatus(status) {
        this.state.status = status;
        browser.clearTimeout(this.pollTimer);
        if (status.running) {
            this.pollTimer = browser.setTimeout(() => this.poll(), POLL_DELAY);
        }
    }

    async poll() {
        const status = await this.orm.silent.call(MODEL, "button_status", []);
        if (componentStatus(this) === "destroyed") {
            return;
        }
        const wasRunning = this.status.running;
        this.setStatus(status);
        if (wasRunning && !status.running) {
            await this.props.onSynced();
        }
    }

    async refreshAfterRun() {
        this.setStatus(await this.orm.silent.call(MODEL, "button_status", []));
        await this.props.onSynced();
    }

    get status() {
        return this.state.status || { state: "loading" };
    }

    get running() {
        return Boolean(this.status.running || this.sync.progress);
    }

    get hasMenu() {
        return ["connected", "paused", "error", "admin_paused"].includes(this.status.state);
    }

    get isPrimary() {
        return ["disconnected", "not_configured"].includes(this.status.state);
    }

    /** The small mark over the logo: how the synchronization is doing. */
    get mark() {
        if (this.state.busy || this.running) {
            return { icon: "fa-refresh fa-spin", color: "text-bg-info", name: "running" };
        }
        return (
            {
                connected: { icon: "fa-check", color: "text-bg-success", name: "ok" },
                paused: { icon: "fa-pause", color: "text-bg-warning", name: "paused" },
                admin_paused: { icon: "fa-pause", color: "text-bg-warning", name: "paused" },
                error: { icon: "fa-exclamation", color: "text-bg-danger", name: "error" },
                turned_off: { icon: "fa-power-off", color: "text-bg-secondary", name: "off" },
            }[this.status.state] || null
        );
    }

    get label() {
        const status = this.status;
        if (this.running) {
            return this.outlookSync.progressText(this.sync.progress);
        }
        switch (status.state) {
            case "not_configured":
            case "disconnected":
                return _t("Synchronize with Outlook");
            case "paused":
                return _t("Resume Outlook sync");
            case "error":
                if (status.error_action === "reconnect") {
                    return _t("Reconnect Outlook");
                }
                if (status.error_action === "retry") {
                    return _t("Retry Outlook sync");
                }
                return _t("Outlook");
        }
        return _t("Outlook");
    }

    get tooltip() {
        const status = this.status;
        if (this.running) {
            return _t(
                "Your calendar is being synchronized with Outlook. You can keep working: you will be told when it is done."
            );
        }
        switch (status.state) {
            case "not_configured":
                return status.is_admin
                    ? _t("Outlook synchronization is not set up yet. Click to set it up.")
                    : _t("Outlook synchronization is not set up yet.");
            case "turned_off":
                return _t("Outlook synchronization is turned off in Calendar settings.");
            case "disconnected":
                return _t("Connect your Outlook calendar: Odoo and Outlook then stay in sync.");
            case "connected":
                return status.mailbox
                    ? _t("Synchronized with %s. Click to synchronize now.", status.mailbox)
                    : _t("Synchronized with Outlook. Click to synchronize now.");
            case "paused":
                return _t("You paused the synchronization. Click to resume it.");
            case "admin_paused":
                return _t("Your administrator paused Outlook synchronization for everyone.");
            case "error":
                return status.last_error || _t("The last synchronization failed.");
        }
        return _t("Outlook");
    }

    get lastSyncText() {
        if (!this.status.last_sync) {
            return _t("Not synchronized yet");
        }
        return _t("Last synchronization: %s", formatWhen(this.status.last_sync));
    }

    get nextSyncText() {
        return this.status.next_sync
            ? _t("Next automatic synchronization: %s", formatWhen(this.status.next_sync))
            : "";
    }

    get heldText() {
        const held = this.status.held_deletions;
        if (!held) {
            return "";
        }
        if (held.count === 1) {
            return held.side === "odoo"
                ? _t(
                      "1 event was deleted in Outlook. Delete it in Odoo too, or bring it back to Outlook?"
                  )
                : _t(
                      "1 event was deleted in Odoo. Delete it in Outlook too, or bring it back to Odoo?"
                  );
        }
        return held.side === "odoo"
            ? _t(
                  "%s events were deleted in Outlook. Delete them in Odoo too, or bring them back to Outlook?",
                  held.count
              )
            : _t(
                  "%s events were deleted in Odoo. Delete them in Outlook too, or bring them back to Odoo?",
                  held.count
              );
    }

    get heldNames() {
        const held = this.status.held_deletions;
        return held ? held.events.slice(0, 5).map((event) => event.name) : [];
    }

    get refusedText() {
        const refused = this.status.refused;
        if (!refused) {
            return "";
        }
        return refused === 1
            ? _t("1 change was refused by Outlook")
            : _t("%s changes were refused by Outlook", refused);
    }

    // -- the main action: the one that fixes the state shown ------------------------------

    async onClick() {
        if (this.state.busy) {
            return;
        }
        if (this.running) {
            this.notification.add(
                _t("The synchronization is still running. You will be told when it is done."),
                { type: "info" }
            );
            return;
        }
        const status = this.status;
        switch (status.state) {
            case "not_configured":
                return this.explainNotConfigured();
            case "turned_off":
                return this.explainTurnedOff();
            case "admin_paused":
                return this.explainAdminPause();
            case "disconnected":
                return this.connect();
            case "connected":
                return status.first_sync_pending ? this.startFirstSync(true) : this.syncNow();
            case "paused":
                return this.resume();
            case "error":
                if (status.error_action === "reconnect") {
                    return this.goToSignIn();
                }
                if (status.error_action === "settings") {
                    return this.explainSettingsError();
                }
                return this.syncNow();
        }
    }

    openSettings() {
        return this.action.doAction(this.status.settings_action);
    }

    openHistory() {
        return this.action.doAction(this.status.history_action);
    }

    openAccount() {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: MODEL,
            res_id: this.status.account_id,
            views: [[false, "form"]],
        });
    }

    /** Tell what stands in the way: an administrator is offered the settings, where it is
     * fixed; a user is told what happens and whom to ask. */
    explain(title, adminBody, userBody) {
        if (this.status.is_admin) {
            this.dialog.add(ConfirmationDialog, {
                title,
                body: adminBody,
                confirmLabel: _t("Open Settings"),
                confirm: () => this.openSettings(),
                cancel: () => {},
            });
        } else {
            this.dialog.add(AlertDialog, { title, body: userBody });
        }
    }

    explainNotConfigured() {
        this.explain(
            _t("Outlook Calendar"),
            _t(
                "Outlook synchronization is not set up yet. Open Calendar settings to enter the Client ID and Client Secret of your Microsoft Entra ID app?"
            ),
            _t(
                "Outlook synchronization is not set up yet: ask an administrator to set it up in Calendar settings, then click this button again."
            )
        );
    }

    explainTurnedOff() {
        this.explain(
            _t("Outlook Calendar"),
            _t(
                "Outlook synchronization is turned off for everyone: Outlook Calendar is unticked in Calendar settings. Open the settings to turn it back on?"
            ),
            _t(
                "Your administrator turned Outlook synchronization off. Your events stay in Odoo, and the synchronization picks up where it stopped once it is turned back on."
            )
        );
    }

    explainAdminPause() {
        this.explain(
            _t("Outlook Calendar"),
            _t(
                "Outlook synchronization is paused for everyone (Pause All Synchronization in Calendar settings). Open the settings to resume it?"
            ),
            _t(
                "Your administrator has paused Outlook synchronization for everyone. It resumes by itself when they turn it back on: nothing is lost meanwhile."
            )
        );
    }

    explainSettingsError() {
        const body = this.status.last_error || _t("The Outlook settings are not correct.");
        this.explain(_t("Outlook synchronization failed"), body, body);
    }

    /** Sign in at Microsoft, after showing what the first synchronization will send. */
    async connect() {
        const counts = this.status.first_sync;
        if (!counts || !counts.events) {
            return this.goToSignIn();
        }
        this.state.busy = true;
        try {
            const preview = await this.orm.call(MODEL, "button_first_sync_preview", []);
            if (!preview.events) {
                return this.goToSignIn();
            }
            this.dialog.add(FirstSyncDialog, {
                preview,
                onConfirm: (choice) => this.goToSignIn(choice),
            });
        } finally {
            this.state.busy = false;
        }
    }

    async goToSignIn(firstSyncChoice = false) {
        this.state.busy = true;
        const here = browser.location;
        const returnUrl = here.pathname + here.search + here.hash;
        try {
            const { url } = await this.orm.call(MODEL, "button_connect", [
                returnUrl,
                firstSyncChoice,
            ]);
            browser.sessionStorage.setItem(SIGNING_IN_KEY, "1");
            browser.location.assign(url);
        } catch (error) {
            this.state.busy = false;
            throw error;
        }
    }

    /** The first synchronization runs in the background: the button returns at once. */
    async startFirstSync(announce) {
        this.state.busy = true;
        try {
            this.setStatus(await this.orm.call(MODEL, "button_start_first_sync", []));
        } finally {
            this.state.busy = false;
        }
        if (announce && this.status.running) {
            this.notification.add(
                _t(
                    "Your Outlook calendar is connected. The first synchronization runs in the background: keep working, you will be told when it is done."
                ),
                { title: _t("Synchronizing with Outlook"), type: "info" }
            );
        }
    }

    async syncNow() {
        this.state.busy = true;
        try {
            const status = await this.orm.call(MODEL, "button_sync", []);
            this.setStatus(status);
            if (status.report) {
                await this.props.onSynced();
            }
            this.notifyResult(status);
        } finally {
            this.state.busy = false;
        }
    }

    notifyResult(status) {
        if (status.busy) {
            this.notification.add(status.busy, { type: "info" });
        } else if (status.state === "error") {
            const reconnect = status.error_action === "reconnect";
            const close = this.notification.add(
                status.last_error || _t("The synchronization failed."),
                {
                    title: _t("Outlook synchronization failed"),
                    type: "danger",
                    buttons: reconnect
                        ? [
                              {
                                  name: _t("Reconnect"),
                                  primary: true,
                                  onClick: () => {
                                      close();
                                      this.goToSignIn();
                                  },
                              },
                          ]
                        : [],
                }
            );
        } else if (status.report) {
            this.notification.add(syncSummary(status.report), {
                title: _t("Synchronized with Outlook"),
                type: status.report.errors || status.report.held ? "warning" : "success",
            });
        } else if (["paused", "admin_paused"].includes(status.state)) {
            this.notification.add(this.tooltip, { type: "warning" });
        }
    }

    async pause() {
        this.setStatus(await this.orm.call(MODEL, "button_pause", []));
        this.notification.add(
            _t("Outlook synchronization is paused. Resume it from the Outlook button whenever you want."),
            { type: "info" }
        );
    }

    async resume() {
        this.setStatus(await this.orm.call(MODEL, "button_resume", []));
        if (this.status.state === "connected") {
            await this.syncNow();
        } else {
            this.notifyResult(this.status);
        }
    }

    async confirmDeletions() {
        this.state.busy = true;
        try {
            const status = await this.orm.call(MODEL, "button_confirm_deletions", []);
            this.setStatus(status);
            await this.props.onSynced();
            this.notifyResult(status);
        } finally {
            this.state.busy = false;
        }
    }

    async restoreDeletions() {
        this.state.busy = true;
        try {
            const status = await this.orm.call(MODEL, "button_restore_deletions", []);
            this.setStatus(status);
            await this.props.onSynced();
            this.notifyResult(status);
        } finally {
            this.state.busy = false;
        }
    }
}
