"""Microsoft To Do: task lists and tasks, with tasks/delta like calendar delta."""

import copy
from dataclasses import dataclass, field, replace

from . import preferences, timezones
from .change_log import ChangeLog
from .errors import GraphError, bad_request
from .graph_common import caller, context_url, paged, prefs
from .http_messages import Response, url_with_query
from .ids import etag

STATUSES = ("notStarted", "inProgress", "completed", "waitingOnOthers", "deferred")
IMPORTANCE = ("low", "normal", "high")
TASK_PROPERTIES = {"title", "body", "status", "importance", "isReminderOn", "dueDateTime",
                   "reminderDateTime", "completedDateTime", "startDateTime", "categories",
                   "recurrence"}
READ_ONLY = {"id", "createdDateTime", "lastModifiedDateTime", "bodyLastModifiedDateTime",
             "hasAttachments"}
DATE_PROPERTIES = ("dueDateTime", "reminderDateTime", "completedDateTime", "startDateTime")
DEFAULT_DELTA_PAGE = 100


@dataclass
class TodoList:
    id: str
    display_name: str
    wellknown: str = "none"
    change_key: str = ""
    tasks: dict = field(default_factory=dict)     # task id -> task dict
    order: list = field(default_factory=list)
    log: ChangeLog = field(default_factory=ChangeLog)


@dataclass(frozen=True)
class TaskDeltaState:
    list_id: str
    phase: str
    cursor: int
    upto: int
    limit: int = 0


def add_default_list(state, mailbox):
    todo_list = TodoList(id="AQMkA" + state.ids.core("list") + "AAA=", display_name="Tasks",
                         wellknown="defaultList", change_key=state.ids.change_key())
    mailbox.todo_lists[todo_list.id] = todo_list


def register(router, state):
    api = TodoApi(state)
    base = "/v1.0/me/todo/lists"
    router.add("GET", base, api.lists)
    router.add("POST", base, api.create_list)
    router.add("GET", f"{base}/{{list_id}}", api.get_list)
    router.add("PATCH", f"{base}/{{list_id}}", api.update_list)
    router.add("DELETE", f"{base}/{{list_id}}", api.delete_list)
    router.add("GET", f"{base}/{{list_id}}/tasks/delta", api.delta)
    router.add("GET", f"{base}/{{list_id}}/tasks", api.tasks)
    router.add("POST", f"{base}/{{list_id}}/tasks", api.create_task)
    router.add("GET", f"{base}/{{list_id}}/tasks/{{task_id}}", api.get_task)
    router.add("PATCH", f"{base}/{{list_id}}/tasks/{{task_id}}", api.update_task)
    router.add("DELETE", f"{base}/{{list_id}}/tasks/{{task_id}}", api.delete_task)
    return api


def _shape_list(todo_list):
    return {"@odata.etag": etag(todo_list.change_key), "displayName": todo_list.display_name,
            "isOwner": True, "isShared": False, "wellknownListName": todo_list.wellknown,
            "id": todo_list.id}


def shape_task(task):
    shaped = {
        "@odata.etag": etag(task["change_key"]), "importance": task["importance"],
        "isReminderOn": task["isReminderOn"], "status": task["status"], "title": task["title"],
        "createdDateTime": timezones.timestamp(task["created"]),
        "lastModifiedDateTime": timezones.timestamp(task["modified"]),
        "bodyLastModifiedDateTime": timezones.timestamp(task["modified"]),
        "hasAttachments": False, "categories": list(task["categories"]), "id": task["id"],
        "body": dict(task["body"]),
    }
    for name in DATE_PROPERTIES:
        if task.get(name):
            shaped[name] = dict(task[name])
    if task.get("recurrence"):
        shaped["recurrence"] = copy.deepcopy(task["recurrence"])
    return shaped


def _date_time(value, name):
    if value is None:
        return None
    if not isinstance(value, dict) or not value.get("dateTime"):
        raise bad_request(f"{name} must be an object with dateTime and timeZone.")
    tz = value.get("timeZone") or "UTC"
    return timezones.graph_datetime(timezones.to_utc(value["dateTime"], tz), tz)


def _apply(task, payload, now):
    for name in payload:
        if name not in TASK_PROPERTIES | READ_ONLY and not name.startswith("@"):
            raise GraphError(400, "RequestBodyRead",
                             f"The property '{name}' does not exist on type "
                             "'microsoft.graph.todoTask'.")
    if "title" in payload:
        if not isinstance(payload["title"], str):
            raise bad_request("title must be a string.")
        task["title"] = payload["title"]
    if "body" in payload:
        body = payload["body"] or {}
        kind = str(body.get("contentType") or "text").lower()
        if kind not in ("text", "html") or not isinstance(body.get("content", ""), str):
            raise bad_request("body must be an object with contentType text or html.")
        task["body"] = {"content": body.get("content") or "", "contentType": kind}
    for name, allowed in (("status", STATUSES), ("importance", IMPORTANCE)):
        if name in payload:
            if payload[name] not in allowed:
                raise GraphError(400, "RequestBodyRead",
                                 f"Requested value '{payload[name]}' was not found for {name}.")
            task[name] = payload[name]
    if "isReminderOn" in payload:
        if not isinstance(payload["isReminderOn"], bool):
            raise bad_request("isReminderOn must be true or false.")
        task["isReminderOn"] = payload["isReminderOn"]
    if "categories" in payload:
        task["categories"] = list(payload["categories"] or [])
    if "recurrence" in payload:
        task["recurrence"] = payload["recurrence"]
    for name in DATE_PROPERTIES:
        if name in payload:
            task[name] = _date_time(payload[name], name)
    if task["status"] == "completed" and not task.get("completedDateTime"):
        task["completedDateTime"] = timezones.graph_datetime(now, "UTC")
    if task["status"] != "completed":
        task["completedDateTime"] = None


class TodoApi:
    def __init__(self, state):
        self.state = state

    def _list(self, request):
        mailbox, _ = caller(self.state, request)
        todo_list = mailbox.todo_lists.get(request.params["list_id"])
        if todo_list is None:
            raise GraphError(404, "ErrorItemNotFound",
                             "The specified object was not found in the store.")
        return mailbox, todo_list

    def _task(self, request):
        mailbox, todo_list = self._list(request)
        task = todo_list.tasks.get(request.params["task_id"])
        if task is None:
            raise GraphError(404, "ErrorItemNotFound",
                             "The specified object was not found in the store.")
        return mailbox, todo_list, task

    def _changed(self, mailbox, todo_list, task, change_type):
        if change_type == "deleted":
            todo_list.log.record_delete(task["id"])
        else:
            task["change_key"] = self.state.ids.change_key()
            task["modified"] = self.state.now()
            task["seq"] = todo_list.log.record(task["id"])
        self.state.changed(mailbox, change_type, ("tasks", todo_list.id, task["id"]))

    # --- lists ---------------------------------------------------------------------------

    def lists(self, request):
        mailbox, _ = caller(self.state, request)
        return Response.json(200, {"@odata.context": context_url(request, "users/todo/lists"),
                                   "value": [_shape_list(t) for t in
                                             mailbox.todo_lists.values()]})

    def create_list(self, request):
        mailbox, _ = caller(self.state, request)
        name = request.json().get("displayName")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("displayName is required.")
        todo_list = TodoList(id="AQMkA" + self.state.ids.core("list") + "AAA=",
                             display_name=name, change_key=self.state.ids.change_key())
        mailbox.todo_lists[todo_list.id] = todo_list
        return Response.json(201, _shape_list(todo_list))

    def get_list(self, request):
        return Response.json(200, _shape_list(self._list(request)[1]))

    def update_list(self, request):
        _mailbox, todo_list = self._list(request)
        name = request.json().get("displayName")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("displayName must be a non-empty string.")
        todo_list.display_name = name
        todo_list.change_key = self.state.ids.change_key()
        return Response.json(200, _shape_list(todo_list))

    def delete_list(self, request):
        mailbox, todo_list = self._list(request)
        if todo_list.wellknown == "defaultList":
            raise bad_request("The default task list can't be deleted.")
        del mailbox.todo_lists[todo_list.id]
        return Response.empty(204)

    # --- tasks ---------------------------------------------------------------------------

    def tasks(self, request):
        _mailbox, todo_list = self._list(request)
        items = [shape_task(todo_list.tasks[i]) for i in todo_list.order if i in todo_list.tasks]
        return paged(request, items, 10, "users/todo/lists/tasks")

    def create_task(self, request):
        mailbox, todo_list = self._list(request)
        now = self.state.now()
        task = {"id": "AAMkA" + self.state.ids.core("task") + "AAA=", "title": "",
                "body": {"content": "", "contentType": "text"}, "status": "notStarted",
                "importance": "normal", "isReminderOn": False, "categories": [],
                "created": now, "modified": now}
        _apply(task, request.json(), now)
        todo_list.tasks[task["id"]] = task
        todo_list.order.append(task["id"])
        self._changed(mailbox, todo_list, task, "created")
        return Response.json(201, shape_task(task))

    def get_task(self, request):
        return Response.json(200, shape_task(self._task(request)[2]))

    def update_task(self, request):
        mailbox, todo_list, task = self._task(request)
        _apply(task, request.json(), self.state.now())
        self._changed(mailbox, todo_list, task, "updated")
        return Response.json(200, shape_task(task))

    def delete_task(self, request):
        mailbox, todo_list, task = self._task(request)
        del todo_list.tasks[task["id"]]
        self._changed(mailbox, todo_list, task, "deleted")
        return Response.empty(204)

    # --- delta ---------------------------------------------------------------------------

    def delta(self, request):
        mailbox, todo_list = self._list(request)
        round_state = self._delta_state(request, mailbox, todo_list)
        size = preferences.page_size(prefs(request), DEFAULT_DELTA_PAGE)
        items, following = _read_page(todo_list, round_state, size)
        body = {"@odata.context": context_url(request, "Collection(todoTask)"), "value": items}
        if following is not None:
            body["@odata.nextLink"] = url_with_query(
                request.base_url, request.path, {"$skiptoken": mailbox.tokens.issue(following)})
        else:
            done = TaskDeltaState(todo_list.id, "changes", round_state.upto, round_state.upto)
            body["@odata.deltaLink"] = url_with_query(
                request.base_url, request.path, {"$deltatoken": mailbox.tokens.issue(done)})
        return Response.json(200, body)

    def _delta_state(self, request, mailbox, todo_list):
        token = request.query.get("$skiptoken") or request.query.get("$deltatoken")
        if not token:
            return TaskDeltaState(todo_list.id, "initial", 0, todo_list.log.seq,
                                  len(todo_list.order))
        found = mailbox.tokens.get(token)
        if not isinstance(found, TaskDeltaState) or found.list_id != todo_list.id:
            raise GraphError(410, "SyncStateNotFound",
                             "The sync state generation is not found. The delta token has "
                             "expired: start a new full synchronization without a token.")
        if "$deltatoken" in request.query:
            found = replace(found, upto=todo_list.log.seq)
        return found


def _read_page(todo_list, state, size):
    items, index = [], state.cursor
    if state.phase == "initial":
        while index < state.limit and len(items) < size:
            task = todo_list.tasks.get(todo_list.order[index])
            index += 1
            if task is not None:
                items.append(shape_task(task))
        return items, (replace(state, cursor=index) if index < state.limit else None)
    keys, deleted = todo_list.log.keys, todo_list.log.deleted
    while index < state.upto and len(items) < size:
        key, seq = keys[index], index + 1
        index += 1
        task = todo_list.tasks.get(key)
        if task is not None and task["seq"] == seq:
            items.append(shape_task(task))
        elif task is None and deleted.get(key) == seq:
            items.append({"@odata.type": "#microsoft.graph.todoTask", "id": key,
                          "@removed": {"reason": "deleted"}})
    return items, (replace(state, cursor=index) if index < state.upto else None)
