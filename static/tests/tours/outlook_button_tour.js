/** @odoo-module **/

import { registry } from "@web/core/registry";

const BUTTON = ".o_outlook_sync_button";

/** Tomorrow's date as the calendar writes it in its data-date attributes (browser's time). */
function tomorrow() {
    const date = new Date();
    date.setDate(date.getDate() + 1);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** On the last day of a week, tomorrow is in the next week: go there. */
function showTomorrow() {
    if (!document.querySelector(`.o_calendar_renderer [data-date="${tomorrow()}"]`)) {
        document.querySelector(".o_calendar_button_next").click();
    }
}

// A user whose upcoming Odoo event has one guest connects their Outlook calendar: they are
// told what the first synchronization sends, sign in (the test's Microsoft answers at once),
// come back to the calendar and find their Outlook meeting there.
registry.category("web_tour.tours").add("outlook_calendar_sync_connect", {
    url: "/odoo/calendar",
    steps: () => [
        {
            content: "The Outlook button says the calendar is not connected",
            trigger: `.o_outlook_sync[data-state='disconnected'] ${BUTTON}`,
            run: "click",
        },
        {
            content: "Before signing in, the user learns what the first synchronization sends",
            trigger:
                ".modal-body:contains('1 upcoming Odoo event will be added to your Outlook calendar'):contains('Outlook will email 1 invitation to an attendee'):contains('Past events stay in Odoo only')",
        },
        {
            content: "Continue to Microsoft's sign-in page",
            trigger: ".modal-footer .btn-primary:contains('Continue')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back in Odoo, the first synchronization runs by itself and reports",
            trigger: ".o_notification:contains('Synchronized with Outlook'):contains('From Outlook: 1 new')",
        },
        {
            content: "The button now shows a connected calendar",
            trigger: `.o_outlook_sync[data-state='connected'] ${BUTTON} .fa-check`,
        },
        {
            content: "Show the day of the Outlook meeting",
            trigger: ".o_calendar_renderer",
            run: showTomorrow,
        },
        {
            content: "The Outlook meeting is in the Odoo calendar",
            trigger: ".o_calendar_renderer .fc-event:contains('Quarterly planning')",
        },
        {
            content: "The Outlook menu offers to pause the synchronization",
            trigger: ".o_outlook_sync .o_outlook_sync_toggle",
            run: "click",
        },
        {
            trigger: ".o_outlook_sync_menu .o_outlook_sync_pause",
            run: "click",
        },
        {
            content: "Paused: the button says so",
            trigger: `.o_outlook_sync[data-state='paused'] ${BUTTON} .fa-pause`,
            run: "click",
        },
        {
            content: "Clicking a paused button resumes and synchronizes again",
            trigger: ".o_notification:contains('Your calendar was already up to date')",
        },
        {
            trigger: ".o_outlook_sync[data-state='connected']",
        },
    ],
});

// The user withdrew Odoo's access at Microsoft: the next synchronization fails, the button
// turns red with the reason, and reconnecting from the error fixes it.
registry.category("web_tour.tours").add("outlook_calendar_sync_reconnect", {
    url: "/odoo/calendar",
    steps: () => [
        {
            content: "Synchronize now",
            trigger: `.o_outlook_sync[data-state='connected'] ${BUTTON}`,
            run: "click",
        },
        {
            content: "The failure is reported with what to do, and a way to do it",
            trigger:
                ".o_notification:contains('Outlook synchronization failed'):contains('Reconnect your Outlook calendar'):has(button:contains('Reconnect'))",
        },
        {
            content: "The button is red and its tooltip gives the reason",
            trigger:
                `.o_outlook_sync[data-state='error'] ${BUTTON}[title*='Reconnect your Outlook calendar'] .fa-exclamation-triangle`,
        },
        {
            trigger: ".o_outlook_sync .o_outlook_sync_toggle",
            run: "click",
        },
        {
            content: "The Outlook menu shows the reason too",
            trigger: ".o_outlook_sync_menu .o_outlook_sync_error:contains('Reconnect your Outlook calendar')",
        },
        {
            content: "Reconnect from the menu",
            trigger: ".o_outlook_sync_menu .o_outlook_sync_reconnect",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back from Microsoft, the synchronization runs again and succeeds",
            trigger: ".o_notification:contains('Synchronized with Outlook'):contains('From Outlook: 1 new')",
        },
        {
            trigger: `.o_outlook_sync[data-state='connected'] ${BUTTON} .fa-check`,
        },
    ],
});

// The administrator paused synchronization for everyone: the button says so and explains.
registry.category("web_tour.tours").add("outlook_calendar_sync_paused_by_admin", {
    url: "/odoo/calendar",
    steps: () => [
        {
            trigger: `.o_outlook_sync[data-state='paused'] ${BUTTON}[title*='paused by your administrator'] .fa-pause`,
            run: "click",
        },
        {
            content: "Clicking explains who paused it and when it comes back",
            trigger: ".modal-body:contains('Your administrator has paused Outlook synchronization for everyone')",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_outlook_sync .o_outlook_sync_toggle",
            run: "click",
        },
        {
            content: "The Outlook menu says it too, and offers no synchronization",
            trigger:
                ".o_outlook_sync_menu:contains('Synchronization is paused by your administrator'):not(:has(.o_outlook_sync_now))",
        },
    ],
});

// An administrator who clicks Outlook before setting it up is offered the settings.
registry.category("web_tour.tours").add("outlook_calendar_sync_not_configured_admin", {
    url: "/odoo/calendar",
    steps: () => [
        {
            trigger: `.o_outlook_sync[data-state='not_configured'] ${BUTTON}`,
            run: "click",
        },
        {
            content: "The administrator is asked whether to configure it now",
            trigger:
                ".modal-body:contains('Outlook synchronization is not configured yet. Configure it now?')",
        },
        {
            trigger: ".modal-footer .btn-primary:contains('Configure')",
            run: "click",
        },
        {
            content: "The Calendar settings open, where Outlook is set up",
            trigger: ".o_field_widget[name='outlook_enabled']",
        },
    ],
});

// Anybody else is told that an administrator has to set it up first.
registry.category("web_tour.tours").add("outlook_calendar_sync_not_configured_user", {
    url: "/odoo/calendar",
    steps: () => [
        {
            trigger: `.o_outlook_sync[data-state='not_configured'] ${BUTTON}`,
            run: "click",
        },
        {
            content: "The user is told an administrator must configure it first",
            trigger: ".modal-body:contains('ask an administrator to set it up in Calendar settings')",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The alert closes and the calendar stays",
            trigger: `body:not(:has(.modal)) ${BUTTON}`,
        },
    ],
});
