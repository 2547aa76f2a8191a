/** @odoo-module **/

import { AttendeeCalendarController } from "@calendar/views/attendee_calendar/attendee_calendar_controller";
import { patch } from "@web/core/utils/patch";
import { OutlookSyncButton } from "./outlook_sync_button/outlook_sync_button";

patch(AttendeeCalendarController, {
    components: { ...AttendeeCalendarController.components, OutlookSyncButton },
});

patch(AttendeeCalendarController.prototype, {
    /** Show what a synchronization brought in or removed. */
    async reloadAfterOutlookSync() {
        await this.model.load();
    },
});
