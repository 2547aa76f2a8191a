"""Microsoft To Do on the emulated Graph: lists, tasks and tasks/delta."""

import pytest


@pytest.fixture
def task_list(mailbox):
    lists = mailbox.get("/me/todo/lists").json()["value"]
    default = next(item for item in lists if item["wellknownListName"] == "defaultList")
    return f"/me/todo/lists/{default['id']}"


def add_task(mailbox, task_list, **payload):
    answer = mailbox.post(f"{task_list}/tasks", json={"title": "Call Bob", **payload})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_every_mailbox_has_a_default_list_and_can_add_lists(mailbox):
    lists = mailbox.get("/me/todo/lists").json()["value"]
    assert [(item["displayName"], item["wellknownListName"]) for item in lists] == [
        ("Tasks", "defaultList")]
    created = mailbox.post("/me/todo/lists", json={"displayName": "Odoo"})
    assert created.status_code == 201 and created.json()["wellknownListName"] == "none"
    assert len(mailbox.get("/me/todo/lists").json()["value"]) == 2


def test_task_shape_and_crud(mailbox, task_list):
    task = add_task(mailbox, task_list, importance="high",
                    dueDateTime={"dateTime": "2025-01-10T00:00:00", "timeZone": "UTC"},
                    body={"content": "About the offer", "contentType": "text"})
    assert task["status"] == "notStarted" and task["importance"] == "high"
    assert task["@odata.etag"].startswith('W/"')
    assert task["dueDateTime"] == {"dateTime": "2025-01-10T00:00:00.0000000", "timeZone": "UTC"}
    assert {"createdDateTime", "lastModifiedDateTime", "isReminderOn", "body"} <= set(task)

    done = mailbox.patch(f"{task_list}/tasks/{task['id']}", json={"status": "completed"})
    assert done.json()["status"] == "completed" and "completedDateTime" in done.json()
    assert done.json()["@odata.etag"] != task["@odata.etag"]

    assert mailbox.delete(f"{task_list}/tasks/{task['id']}").status_code == 204
    assert mailbox.get(f"{task_list}/tasks/{task['id']}").status_code == 404


def test_invalid_task_is_refused(mailbox, task_list):
    assert mailbox.post(f"{task_list}/tasks", json={"status": "finished"}).status_code == 400
    assert mailbox.post(f"{task_list}/tasks", json={"priority": 1}).status_code == 400


def run_round(mailbox, url, params=None):
    items, headers = [], {"Prefer": "odata.maxpagesize=2"}
    body = mailbox.get(url, params=params, headers=headers).json()
    items.extend(body["value"])
    while "@odata.nextLink" in body:
        body = mailbox.get(body["@odata.nextLink"], headers=headers).json()
        items.extend(body["value"])
    return items, body["@odata.deltaLink"]


def test_tasks_delta_pages_then_reports_changes_and_removals(mailbox, task_list):
    tasks = [add_task(mailbox, task_list, title=f"T{n}") for n in range(3)]
    items, delta_link = run_round(mailbox, f"{task_list}/tasks/delta")
    assert sorted(item["title"] for item in items) == ["T0", "T1", "T2"]

    mailbox.patch(f"{task_list}/tasks/{tasks[0]['id']}", json={"title": "T0 renamed"})
    mailbox.delete(f"{task_list}/tasks/{tasks[1]['id']}")
    items, delta_link = run_round(mailbox, delta_link)
    assert items[0]["title"] == "T0 renamed"
    assert items[1] == {"@odata.type": "#microsoft.graph.todoTask", "id": tasks[1]["id"],
                        "@removed": {"reason": "deleted"}}
    assert run_round(mailbox, delta_link)[0] == []


def test_tasks_delta_token_expires_like_calendar_tokens(mailbox, task_list, emulator):
    _items, delta_link = run_round(mailbox, f"{task_list}/tasks/delta")
    emulator.expire_delta_tokens(mailbox.email)
    answer = mailbox.get(delta_link)
    assert answer.status_code == 410
    assert answer.json()["error"]["code"] == "SyncStateNotFound"
