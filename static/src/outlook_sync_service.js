/** @odoo-module **/

import { reactive } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { syncSummary } from "./outlook_sync_button/sync_summary";

/**
 * Follows the current user's Outlook synchronizations through Odoo's bus, wherever the user
 * is in Odoo: the progress of a running synchronization (the Outlook button shows it), and
 * its end (the button and the calendar refresh; a first synchronization started from the
 * button ends with a summary, even when the user went on to another screen meanwhile).
 */
export const outlookSyncService = {
    dependencies: ["bus_service", "notification", "action"],

    start(env, { bus_service, notification, action }) {
        // progress: {stage, done, total} while a run reports; ends: counts finished runs.
        const state = reactive({ progress: null, ends: 0, lastEnd: null });

        bus_service.subscribe("outlook_sync_progress", (payload) => {
            state.progress = { stage: payload.stage, done: payload.done, total: payload.total };
        });
        bus_service.subscribe("outlook_sync_done", (payload) => {
            state.progress = null;
            state.lastEnd = payload;
            state.ends++;
            if (payload.notify) {
                notifyEnd(payload);
            }
        });
        bus_service.start();

        function openHistory() {
            action.doAction("outlook_calendar_sync.outlook_sync_run_action_my");
        }

        function notifyEnd(payload) {
            if (payload.report) {
                const report = payload.report;
                const close = notification.add(syncSummary(report), {
                    title: _t("Your Outlook calendar is synchronized"),
                    type: report.errors || report.held ? "warning" : "success",
                    sticky: Boolean(report.errors || report.held),
                    buttons: [
                        {
                            name: _t("See the details"),
                            onClick: () => {
                                close();
                                openHistory();
                            },
                        },
                    ],
                });
            } else {
                notification.add(
                    payload.last_error || _t("The first synchronization with Outlook failed."),
                    {
                        title: _t("Outlook synchronization failed"),
                        type: "danger",
                        sticky: true,
                    }
                );
            }
        }

        return {
            state,
            /** A short sentence saying how far the running synchronization is. */
            progressText(progress = state.progress) {
                if (!progress) {
                    return _t("Synchronizing with Outlook…");
                }
                const values = { done: progress.done, total: progress.total };
                switch (progress.stage) {
                    case "read":
                        return _t("%(done)s events read from Outlook", values);
                    case "write_odoo":
                        return _t("Adding to Odoo: %(done)s of %(total)s", values);
                    case "write_outlook":
                        return _t("Sending to Outlook: %(done)s of %(total)s", values);
                }
                return _t("Synchronizing with Outlook…");
            },
        };
    },
};

registry.category("services").add("outlook_sync", outlookSyncService);
