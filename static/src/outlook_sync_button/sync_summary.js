/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";

/**
 * What a synchronization changed, in a few short sentences for a notification.
 *
 * @param {{counts: Object<string, number>, errors: number, conflicts: number}} report
 *        as returned by outlook.account.button_sync
 * @returns {string}
 */
export function syncSummary(report) {
    const counts = report.counts || {};
    const count = (key) => counts[key] || 0;
    const sentences = [];
    const fromOutlook = {
        created: count("created_in_odoo"),
        updated: count("updated_in_odoo"),
        deleted: count("deleted_in_odoo"),
    };
    const toOutlook = {
        created: count("created_in_outlook"),
        updated: count("updated_in_outlook"),
        deleted: count("deleted_in_outlook"),
    };
    if (fromOutlook.created + fromOutlook.updated + fromOutlook.deleted) {
        sentences.push(
            _t(
                "From Outlook: %(created)s new, %(updated)s updated, %(deleted)s removed.",
                fromOutlook
            )
        );
    }
    if (toOutlook.created + toOutlook.updated + toOutlook.deleted) {
        sentences.push(
            _t(
                "To Outlook: %(created)s new, %(updated)s updated, %(deleted)s removed.",
                toOutlook
            )
        );
    }
    const matched = count("matched");
    if (matched) {
        sentences.push(
            matched === 1
                ? _t("1 event already in both calendars was paired.")
                : _t("%s events already in both calendars were paired.", matched)
        );
    }
    if (report.conflicts) {
        sentences.push(
            report.conflicts === 1
                ? _t("1 event changed on both sides: the conflict rule of the Calendar settings chose which version to keep.")
                : _t(
                      "%s events changed on both sides: the conflict rule of the Calendar settings chose which version to keep.",
                      report.conflicts
                  )
        );
    }
    if (report.errors) {
        sentences.push(
            report.errors === 1
                ? _t("1 event could not be synchronized: your sync history says why.")
                : _t(
                      "%s events could not be synchronized: your sync history says why.",
                      report.errors
                  )
        );
    }
    if (report.held) {
        sentences.push(
            _t(
                "%s deletions are waiting for your decision: open the Outlook menu to confirm or restore them.",
                report.held
            )
        );
    }
    if (report.waiting) {
        sentences.push(
            _t(
                "%s changes could not reach Outlook now: they will go at the next synchronization.",
                report.waiting
            )
        );
    }
    if (!sentences.length) {
        sentences.push(_t("Your calendar was already up to date."));
    }
    return sentences.join(" ");
}
