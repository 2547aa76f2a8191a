/** @odoo-module **/

import { registry } from "@web/core/registry";

const BUTTON = ".o_outlook_sync_button";
const TOGGLE = ".o_calendar_header .o_outlook_sync_toggle";
const MENU = ".o_outlook_sync_menu";

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

function state(name) {
    return `.o_calendar_header .o_outlook_sync[data-state='${name}']`;
}

const openMenu = { trigger: TOGGLE, run: "click" };

/** Click the Outlook button, see the preview, pick `choice` and go to Microsoft. */
function previewSteps(choice) {
    return [
        {
            content: "The Outlook button asks to synchronize, with a verb and the Outlook logo",
            trigger: `${state("disconnected")} ${BUTTON}:contains('Synchronize with Outlook'):has(img[alt='Outlook'])`,
            run: "click",
        },
        {
            content: "Before signing in, the user sees the events that will be sent",
            trigger:
                ".o_outlook_first_sync .o_outlook_first_sync_summary:contains('1 upcoming Odoo event can be added to your Outlook calendar'):contains('Outlook would email 1 invitation to an attendee'):contains('Past events stay in Odoo only')",
        },
        {
            content: "...each with the attendees Outlook would invite",
            trigger:
                ".o_outlook_first_sync .o_outlook_first_sync_event:contains('Design review'):contains('Lee Wong') .o_outlook_first_sync_count:contains('1')",
        },
        {
            content: "The user chooses what happens to them",
            trigger: `.o_outlook_first_sync input#outlook_first_sync_${choice}`,
            run: "click",
        },
        {
            content: "Continue to Microsoft's sign-in page",
            trigger: ".o_outlook_first_sync .o_outlook_first_sync_continue",
            run: "click",
            expectUnloadPage: true,
        },
    ];
}

/** Back from Microsoft: the first synchronization runs in the background, then reports. */
const firstSyncSteps = [
    {
        content: "The first synchronization starts in the background: the user is told so",
        trigger: ".o_notification:contains('The first synchronization runs in the background')",
    },
    {
        content: "While it runs, the button shows how far it is",
        trigger: `${state("connected")}[data-running='1'] ${BUTTON}:contains('Sending to Outlook: 0 of 1') [data-mark='running']`,
    },
    {
        content: "The user can keep working meanwhile: the calendar still answers",
        trigger: ".o_calendar_button_today",
        run: "click",
    },
    {
        content: "At the end, a summary",
        trigger:
            ".o_notification:contains('Your Outlook calendar is synchronized'):contains('From Outlook: 1 new')",
    },
    {
        content: "The button now shows a connected calendar",
        trigger: `${state("connected")}[data-running='0'] ${BUTTON} [data-mark='ok']`,
    },
];

// A user whose upcoming Odoo event has one guest connects their Outlook calendar: they see
// what the first synchronization sends, sign in (the test's Microsoft answers at once),
// come back to the calendar, and the first synchronization runs in the background.
registry.category("web_tour.tours").add("outlook_calendar_sync_connect", {
    url: "/odoo/calendar",
    steps: () => [
        ...previewSteps("invite"),
        ...firstSyncSteps,
        {
            content: "Show the day of the Outlook meeting",
            trigger: ".o_calendar_renderer",
            run: showTomorrow,
        },
        {
            content: "The Outlook meeting is in the Odoo calendar",
            trigger: ".o_calendar_renderer .fc-event:contains('Quarterly planning')",
        },
        openMenu,
        {
            content: "The menu says which mailbox and calendar, and when the next synchronization is",
            trigger: `${MENU} .o_outlook_sync_mailbox:contains('dana.fischer@contoso.com')`,
        },
        { trigger: `${MENU} .o_outlook_sync_calendar:contains('Main calendar of dana.fischer@contoso.com')` },
        { trigger: `${MENU} .o_outlook_sync_last:contains('Last synchronization')` },
        { trigger: `${MENU} .o_outlook_sync_next:contains('Next automatic synchronization')` },
        {
            content: "The user's own sync history is one click away",
            trigger: `${MENU} .o_outlook_sync_history`,
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='state']:contains('Done')",
        },
    ],
});

// "Keep them in Odoo only": the first synchronization sends nothing to Outlook.
registry.category("web_tour.tours").add("outlook_calendar_sync_preview_keep", {
    url: "/odoo/calendar",
    steps: () => [
        ...previewSteps("keep"),
        {
            content: "The first synchronization ends with nothing new anywhere",
            trigger:
                ".o_notification:contains('Your Outlook calendar is synchronized'):contains('Your calendar was already up to date')",
        },
        { trigger: `${state("connected")}[data-running='0'] ${BUTTON} [data-mark='ok']` },
    ],
});

// "Send them without inviting anyone" is offered and explained.
registry.category("web_tour.tours").add("outlook_calendar_sync_preview_no_invite", {
    url: "/odoo/calendar",
    steps: () => [
        {
            trigger: `${state("disconnected")} ${BUTTON}`,
            run: "click",
        },
        {
            content: "The choice says where the attendee list goes",
            trigger:
                ".o_outlook_first_sync label[for='outlook_first_sync_no_invite']:contains('attendee list is written in the event')",
        },
        {
            trigger: ".o_outlook_first_sync input#outlook_first_sync_no_invite",
            run: "click",
        },
        {
            trigger: ".o_outlook_first_sync .o_outlook_first_sync_continue",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Microsoft's sign-in page comes back to the calendar",
            trigger: `${state("connected")} ${BUTTON}`,
        },
    ],
});

// Paused by the user: the main action resumes; the menu offers to resume too.
registry.category("web_tour.tours").add("outlook_calendar_sync_pause_resume", {
    url: "/odoo/calendar",
    steps: () => [
        openMenu,
        {
            content: "Pause from the menu",
            trigger: `${MENU} .o_outlook_sync_pause`,
            run: "click",
        },
        {
            content: "Paused: the main action is now to resume",
            trigger: `${state("paused")} ${BUTTON}:contains('Resume Outlook sync') [data-mark='paused']`,
        },
        openMenu,
        {
            content: "The menu offers to resume, and no synchronization while paused",
            trigger: `${MENU}:has(.o_outlook_sync_resume):not(:has(.o_outlook_sync_now))`,
        },
        {
            trigger: `${MENU} .o_outlook_sync_resume`,
            run: "click",
        },
        {
            content: "Resuming synchronizes again",
            trigger: ".o_notification:contains('Your calendar was already up to date')",
        },
        { trigger: `${state("connected")} ${BUTTON} [data-mark='ok']` },
    ],
});

// The user withdrew Odoo's access at Microsoft: the next synchronization fails, and the
// button's main action becomes reconnecting, which fixes it.
registry.category("web_tour.tours").add("outlook_calendar_sync_reconnect", {
    url: "/odoo/calendar",
    steps: () => [
        {
            content: "Synchronize now",
            trigger: `${state("connected")} ${BUTTON}`,
            run: "click",
        },
        {
            content: "The failure is reported with what to do, and a way to do it",
            trigger:
                ".o_notification:contains('Outlook synchronization failed'):contains('Reconnect your Outlook calendar'):has(button:contains('Reconnect'))",
        },
        {
            content: "The button's main action is now to reconnect",
            trigger: `${state("error")} ${BUTTON}:contains('Reconnect Outlook')[title*='Reconnect your Outlook calendar'] [data-mark='error']`,
        },
        openMenu,
        {
            content: "The Outlook menu shows the reason too",
            trigger: `${MENU} .o_outlook_sync_error:contains('Reconnect your Outlook calendar')`,
        },
        {
            content: "Close the menu, then reconnect with the main button",
            trigger: TOGGLE,
            run: "click",
        },
        {
            trigger: `body:not(:has(${MENU})) ${state("error")} ${BUTTON}`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back from Microsoft, the synchronization runs again and succeeds",
            trigger: ".o_notification:contains('Synchronized with Outlook'):contains('From Outlook: 1 new')",
        },
        { trigger: `${state("connected")} ${BUTTON} [data-mark='ok']` },
    ],
});

// The administrator paused synchronization for everyone: the button says so, and offers
// nothing the user cannot do.
registry.category("web_tour.tours").add("outlook_calendar_sync_paused_by_admin", {
    url: "/odoo/calendar",
    steps: () => [
        {
            trigger: `${state("admin_paused")} ${BUTTON}[title*='administrator paused'] [data-mark='paused']`,
            run: "click",
        },
        {
            content: "Clicking explains who paused it and that it comes back by itself",
            trigger: ".modal-body:contains('Your administrator has paused Outlook synchronization for everyone')",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${TOGGLE}`,
            run: "click",
        },
        {
            content: "The Outlook menu says it too, and offers neither sync, pause, resume nor reconnect",
            trigger: `${MENU}:has(.o_outlook_sync_admin_paused):has(.o_outlook_sync_history):not(:has(.o_outlook_sync_now)):not(:has(.o_outlook_sync_pause)):not(:has(.o_outlook_sync_resume)):not(:has(.o_outlook_sync_reconnect))`,
        },
    ],
});

// Deletions held back by the synchronization: the menu lists them and offers both choices.
registry.category("web_tour.tours").add("outlook_calendar_sync_held_deletions", {
    url: "/odoo/calendar",
    steps: () => [
        openMenu,
        {
            content: "The menu says what was deleted where, and asks",
            trigger: `${MENU} .o_outlook_sync_held:contains('1 event was deleted in Outlook'):contains('Offsite')`,
        },
        { trigger: `${MENU} .o_outlook_sync_confirm_deletions` },
        {
            content: "Restore them",
            trigger: `${MENU} .o_outlook_sync_restore_deletions`,
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Synchronized with Outlook')",
        },
        openMenu,
        { trigger: `${MENU}:not(:has(.o_outlook_sync_held))` },
    ],
});

// The administrator unticked Outlook Calendar: a connected user is told so, in those words.
registry.category("web_tour.tours").add("outlook_calendar_sync_turned_off", {
    url: "/odoo/calendar",
    steps: () => [
        {
            trigger: `${state("turned_off")} ${BUTTON} [data-mark='off']`,
            run: "click",
        },
        {
            trigger: ".modal-body:contains('Your administrator turned Outlook synchronization off')",
        },
        {
            trigger: ".modal-body:not(:contains('not set up'))",
        },
    ],
});

// An administrator who clicks Outlook before setting it up is offered the settings.
registry.category("web_tour.tours").add("outlook_calendar_sync_not_configured_admin", {
    url: "/odoo/calendar",
    steps: () => [
        {
            trigger: `${state("not_configured")} ${BUTTON}:contains('Synchronize with Outlook')`,
            run: "click",
        },
        {
            content: "The administrator is asked whether to set it up now",
            trigger: ".modal-body:contains('Outlook synchronization is not set up yet')",
        },
        {
            trigger: ".modal-footer .btn-primary:contains('Open Settings')",
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
            trigger: `${state("not_configured")} ${BUTTON}`,
            run: "click",
        },
        {
            content: "The user is told an administrator must set it up first",
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
        {
            content: "With the side panel collapsed, the button stays in the control panel",
            trigger: ".o_sidebar_toggler button",
            run: "click",
        },
        {
            trigger: `.o_calendar_container:not(:has(.o_calendar_sidebar)) ${BUTTON}:visible`,
        },
    ],
});

// On a phone: the button is in the control panel, above the calendar, not behind a panel.
registry.category("web_tour.tours").add("outlook_calendar_sync_phone", {
    url: "/odoo/calendar",
    steps: () => [
        {
            content: "The logo and its mark are visible on a phone",
            trigger: `${state("disconnected")} ${BUTTON}:visible img[alt='Outlook']:visible`,
            run: "click",
        },
        {
            trigger: ".o_outlook_first_sync .o_outlook_first_sync_event:contains('Design review')",
        },
    ],
});

// An Italian user reads the button, its tooltip and its dialog in Italian.
registry.category("web_tour.tours").add("outlook_calendar_sync_italian", {
    url: "/odoo/calendar",
    steps: () => [
        {
            content: "The button speaks Italian",
            trigger: `${state("disconnected")} ${BUTTON}:contains('Sincronizza con Outlook')[title*='Collega il tuo calendario Outlook']`,
        },
    ],
});
