"""The few HTML pages the emulator shows a person: consent, sign-in errors, the overview."""

from html import escape

_STYLE = ("body{font-family:Segoe UI,Arial,sans-serif;margin:2em;color:#222}"
          "table{border-collapse:collapse;margin-bottom:2em}"
          "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
          "th{background:#f3f3f3}.error{color:#a4262c}button{margin-right:1em}")


def _page(title, body):
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def consent_page(app_name, scopes, mailboxes, fields, login_hint="", message=""):
    """Pick a mailbox, then Accept or Cancel the permissions the app asks for."""
    hidden = "".join(f"<input type='hidden' name='{escape(k)}' value='{escape(v)}'>"
                     for k, v in fields.items())
    options = "".join(
        f"<option value='{escape(m.email)}'{' selected' if m.email.lower() == login_hint else ''}>"
        f"{escape(m.display_name)} &lt;{escape(m.email)}&gt;</option>" for m in mailboxes)
    scope_items = "".join(f"<li>{escape(s)}</li>" for s in scopes)
    warning = f"<p class='error'>{escape(message)}</p>" if message else ""
    return _page("Permissions requested", (
        "<h1>Permissions requested</h1>"
        f"<p><b>{escape(app_name)}</b> would like to:</p><ul>{scope_items}</ul>{warning}"
        "<form method='post'>"
        f"{hidden}<p><label>Sign in as <select name='login_email'>{options}</select></label></p>"
        "<button type='submit' name='consent_action' value='accept'>Accept</button>"
        "<button type='submit' name='consent_action' value='cancel'>Cancel</button>"
        "</form>"))


def error_page(code, message):
    return _page("Sign in error", (
        "<h1>Sorry, but we're having trouble signing you in.</h1>"
        f"<p class='error'>AADSTS{code}: {escape(message)}</p>"))


def form_post_page(url, fields):
    """response_mode=form_post: a page that posts the answer back to the app."""
    inputs = "".join(f"<input type='hidden' name='{escape(k)}' value='{escape(str(v))}'>"
                     for k, v in fields.items())
    return _page("Working...", (
        f"<form method='post' action='{escape(url)}'>{inputs}"
        "<noscript><button type='submit'>Continue</button></noscript></form>"
        "<script>document.forms[0].submit()</script>"))


def overview_page(rows_by_mailbox):
    """Read-only view of each mailbox's events for someone watching a demo."""
    sections = []
    for mailbox, rows in rows_by_mailbox:
        lines = "".join(
            "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
            for row in rows) or "<tr><td colspan='5'>No events.</td></tr>"
        sections.append(
            f"<h2>{escape(mailbox.display_name)} &lt;{escape(mailbox.email)}&gt;</h2>"
            "<table><tr><th>Subject</th><th>Start (UTC)</th><th>End (UTC)</th>"
            f"<th>Attendees</th><th>Type</th></tr>{lines}</table>")
    body = "".join(sections) or "<p>No mailboxes yet.</p>"
    return _page("Outlook (emulated)", f"<h1>Outlook calendars (emulated)</h1>{body}")
