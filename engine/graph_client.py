"""Microsoft Graph calendar calls: retries, throttling, paging, delta and $batch.

Every request has a timeout and asks for immutable ids and UTC times. Failures end as
the typed errors of ``errors.py``; URLs with query strings (delta links carry sync
tokens) and tokens never reach logs or error messages.
"""

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from .errors import (
    ConnectionFailed,
    SyncError,
    SyncStateExpired,
    from_graph_error,
    from_response,
    parse_retry_after,
)

_logger = logging.getLogger(__name__)

# Throttling and temporary unavailability: Microsoft says when to come back.
RETRY_STATUSES = frozenset({429, 503, 504})
# Answers saying the request was not processed, so even a request that must not run twice can
# be sent again (a 504 may come after the work was done).
NOT_APPLIED_STATUSES = frozenset({429, 503})
# Methods whose repetition changes nothing more than the first call did.
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "PATCH", "DELETE"})
# $batch accepts at most 20 requests per call.
BATCH_LIMIT = 20
RESPONSES = ("accept", "decline", "tentativelyAccept")


@dataclass
class DeltaPage:
    items: list[dict]
    delta_link: str | None  # only on the last page of a round
    full: bool  # True when the round lists every event, not only the changes


@dataclass
class BatchRequest:
    id: str
    method: str
    url: str  # relative to the Graph version root, e.g. "/me/events"
    body: dict | None = None

    @classmethod
    def create(cls, id, payload, transaction_id):
        return cls(id, "POST", "/me/events", dict(payload, transactionId=transaction_id))

    @classmethod
    def update(cls, id, event_id, patch):
        return cls(id, "PATCH", f"/me/events/{_segment(event_id)}", patch)

    @classmethod
    def delete(cls, id, event_id):
        return cls(id, "DELETE", f"/me/events/{_segment(event_id)}")

    @classmethod
    def read(cls, id, event_id):
        return cls(id, "GET", f"/me/events/{_segment(event_id)}")


@dataclass
class BatchResult:
    id: str
    status: int
    body: Any = None
    error: SyncError | None = None
    headers: dict = field(default_factory=dict)


class GraphClient:
    """Calls to one mailbox's calendar, with ``token_provider`` supplying access tokens.

    ``token_provider(force_refresh=False) -> str`` is called before every request so a
    refreshed token is always picked up; after a 401 it is called once with
    ``force_refresh=True`` to get a brand-new token before giving up with ConsentRevoked.
    """

    def __init__(
        self,
        endpoints,
        token_provider: Callable[..., str],
        *,
        session=None,
        timeout=(5, 60),
        max_retries=3,
        backoff=0.5,
        max_wait=120,
        sleep=time.sleep,
        page_size=100,
        timezone="UTC",
    ):
        self.endpoints = endpoints
        self.token_provider = token_provider
        self.session = session or requests.Session()
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.page_size = page_size
        self.timezone = timezone
        self.stats = Counter()  # "GET /me/events/{id}" -> HTTP requests sent
        base = urlsplit(endpoints.graph_base)
        self._origin = (base.scheme, base.netloc.lower())

    # ------------------------------------------------------------------ calendar calls

    def me(self) -> dict:
        return self._get("/me", "/me")

    def calendar_delta(self, delta_link, start, end) -> Iterator[DeltaPage]:
        """Pages of one delta round; the last one carries the new delta link.

        Without ``delta_link`` (or when Graph forgot it: 410) the round lists every event
        of the window and its pages say ``full=True``, so the caller matches existing
        links instead of creating. The 410 restart happens once per round.
        """
        full = not delta_link
        url = delta_link or self._delta_start_url(start, end)
        try:
            yield from self._delta_pages(url, full)
        except SyncStateExpired:
            if full:
                raise
            _logger.info("Outlook forgot the delta state; listing the calendar again")
            yield from self._delta_pages(self._delta_start_url(start, end), True)

    def list_instances(self, event_id, start, end) -> list[dict]:
        path = f"/me/events/{_segment(event_id)}/instances"
        params = {"startDateTime": _iso_utc(start), "endDateTime": _iso_utc(end)}
        return self._collect(path, "/me/events/{id}/instances", params)

    def respond(self, event_id, answer, comment="", send_response=True) -> None:
        if answer not in RESPONSES:
            raise ValueError(f"answer must be one of {RESPONSES}, not {answer!r}")
        path = f"/me/events/{_segment(event_id)}/{answer}"
        body = {"comment": comment, "sendResponse": send_response}
        # Not repeated after a lost answer: the organizer could be mailed twice.
        route = f"/me/events/{{id}}/{answer}"
        self._request("POST", path, route, json=body, repeatable=False)

    def batch(self, requests_: list[BatchRequest]) -> list[BatchResult]:
        """Send requests in $batch calls of 20; one result per request, in order.

        Items answered 429/503/504 are sent again (after the longest Retry-After among
        them) up to ``max_retries`` times; other failures come back as the item's error
        and never fail the rest. A DELETE answered 404 counts as done.
        """
        ids = [item.id for item in requests_]
        if len(set(ids)) != len(ids):
            raise ValueError("Batch request ids must be unique.")
        results = {}
        pending = list(requests_)
        refresh, refreshed = False, False
        for attempt in range(self.max_retries + 1):
            answers = {}
            for chunk in chunked(pending, BATCH_LIMIT):
                answers.update(self._send_batch(chunk, force_refresh=refresh))
            results.update(answers)
            refreshed, refresh = refreshed or refresh, False
            unauthorized = [item for item in pending if answers[item.id].status == 401]
            if unauthorized and not refreshed:
                # An access token may be refused before its expiry: one brand-new token.
                refresh, pending = True, unauthorized
                continue
            retry = [
                item
                for item in pending
                if answers[item.id].status in _retry_statuses(_repeatable(item))
            ]
            delay = self._batch_delay([answers[item.id] for item in retry], attempt)
            if not retry or attempt >= self.max_retries or delay is None:
                break
            self._wait(delay, "POST /$batch items", attempt)
            pending = retry
        return [results[item.id] for item in requests_]

    def close(self):
        """Release the pooled connections (the client is unusable afterwards)."""
        self.session.close()

    # ------------------------------------------------------------------ building blocks

    def _get(self, path, route, params=None):
        return _json(self._request("GET", path, route, params=params))

    def _collect(self, path, route, params):
        items = []
        for page in self._pages(path, route, params):
            items.extend(page.get("value", []))
        return items

    def _pages(self, url, route, params=None, headers=None):
        """Follow @odata.nextLink to the end, one parsed page at a time."""
        while url:
            page = _json(self._request("GET", url, route, params=params, headers=headers))
            yield page
            url, params = page.get("@odata.nextLink"), None  # next links hold the query

    def _delta_pages(self, url, full):
        headers = {"Prefer": f"odata.maxpagesize={self.page_size}"}
        for page in self._pages(url, "/me/calendarView/delta", headers=headers):
            yield DeltaPage(page.get("value", []), page.get("@odata.deltaLink"), full)

    def _delta_start_url(self, start, end):
        query = f"startDateTime={_iso_utc(start)}&endDateTime={_iso_utc(end)}"
        return f"/me/calendarView/delta?{query}"

    def _headers(self, extra, force_refresh):
        token = self.token_provider(force_refresh=True) if force_refresh else self.token_provider()
        prefer = [f'outlook.timezone="{self.timezone}"', 'IdType="ImmutableId"']
        if extra and "Prefer" in extra:
            prefer.append(extra["Prefer"])
        headers = dict(extra or {})
        headers.update(
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "Prefer": ", ".join(prefer),
            }
        )
        return headers

    def _url(self, url):
        if url.startswith("/"):
            return self.endpoints.graph_base + url
        parts = urlsplit(url)
        # Next/delta links are absolute: never send the token to another host.
        if (parts.scheme, parts.netloc.lower()) != self._origin:
            raise SyncError(
                f"Graph returned a link to another host ({parts.netloc}); it was not followed."
            )
        return url

    def _request(
        self, method, url, route, *, params=None, json=None, headers=None, repeatable=True,
        force_refresh=False,
    ):
        """One call with retries; returns the successful response or raises a SyncError.

        A ``repeatable`` request (reads, PATCH, DELETE, creates carrying a transactionId)
        is also sent again after a timeout, a dropped connection or a 504; the others only
        after answers that guarantee nothing was done.
        """
        label = f"{method} {route}"
        full_url = self._url(url)
        retries = 0
        refreshed = force_refresh
        while True:
            sent_headers = self._headers(headers, force_refresh)
            self.stats[label] += 1
            try:
                response = self.session.request(
                    method,
                    full_url,
                    params=params,
                    json=json,
                    headers=sent_headers,
                    timeout=self.timeout,
                    verify=self.endpoints.verify,
                )
            except requests.exceptions.SSLError:
                raise ConnectionFailed(
                    f"The certificate of {urlsplit(full_url).hostname} is not trusted.",
                ) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                if not repeatable or retries >= self.max_retries:
                    raise ConnectionFailed(
                        f"{label}: {type(exc).__name__} after {retries} retries"
                    ) from None
                self._wait(self._backoff_delay(retries), label, retries)
                retries += 1
                continue
            force_refresh = False
            if response.ok:
                return response
            if response.status_code == 401 and not refreshed:
                refreshed = force_refresh = True  # The token may have been revoked early.
                continue
            error = from_response(response)
            retryable = response.status_code in _retry_statuses(repeatable)
            if not retryable or retries >= self.max_retries:
                raise error
            delay = self._retry_delay(response.headers, retries)
            if delay is None:
                raise error
            self._wait(delay, label, retries, response.status_code)
            retries += 1

    def _send_batch(self, items, force_refresh=False):
        body = {"requests": [self._batch_item(item) for item in items]}
        repeatable = all(_repeatable(item) for item in items)
        answer = _json(self._request("POST", "/$batch", "/$batch", json=body,
                                     repeatable=repeatable, force_refresh=force_refresh))
        results = {}
        for response in answer.get("responses", []):
            results[str(response.get("id"))] = self._batch_result(response, items)
        missing = [item.id for item in items if item.id not in results]
        for item_id in missing:
            error = SyncError("Microsoft Graph gave no answer for this request of the batch.")
            results[item_id] = BatchResult(item_id, 0, None, error)
        return results

    def _batch_item(self, item):
        headers = {"Prefer": f'outlook.timezone="{self.timezone}", IdType="ImmutableId"'}
        entry = {"id": item.id, "method": item.method, "url": item.url, "headers": headers}
        if item.body is not None:
            entry["body"] = item.body
            headers["Content-Type"] = "application/json"
        return entry

    def _batch_result(self, response, items):
        item_id = str(response.get("id"))
        status = int(response.get("status") or 0)
        body = response.get("body")
        headers = response.get("headers") or {}
        error = None
        method = next((item.method for item in items if item.id == item_id), "")
        if status >= 400 and not (status == 404 and method.upper() == "DELETE"):
            error = from_graph_error(status, body, headers)
        return BatchResult(item_id, status, body, error, headers)

    def _batch_delay(self, results, attempt):
        """The longest wait the throttled items ask for; None when one asks too much."""
        waits = [self._retry_delay(result.headers, attempt) for result in results]
        return None if None in waits else max(waits, default=0)

    def _retry_delay(self, headers, retries):
        """Retry-After when Microsoft gave one, else exponential backoff.

        None when Microsoft asks for more than ``max_wait``: blocking the run that long is
        worse than letting the caller come back later (Throttled carries ``retry_after``).
        """
        seconds = parse_retry_after(CaseInsensitiveDict(headers).get("Retry-After"))
        if seconds is None:
            return self._backoff_delay(retries)
        return seconds if seconds <= self.max_wait else None

    def _backoff_delay(self, retries):
        return min(self.backoff * 2**retries, self.max_wait)

    def _wait(self, seconds, label, retries, status=None):
        reason = f"answered {status}" if status else "connection failed"
        _logger.info(
            "Graph %s %s; retry %d of %d in %.1f s",
            label,
            reason,
            retries + 1,
            self.max_retries,
            seconds,
        )
        self.sleep(seconds)


def chunked(items, size):
    """``items`` in lists of at most ``size``, in order."""
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def _retry_statuses(repeatable):
    return RETRY_STATUSES if repeatable else NOT_APPLIED_STATUSES


def _repeatable(item):
    """Whether sending this batch item twice is harmless."""
    method = item.method.upper()
    return method in IDEMPOTENT_METHODS or bool(item.body and item.body.get("transactionId"))


def _json(response):
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        return {}


def _segment(value):
    """An id as one URL path segment (legacy ids may hold "/" or "+")."""
    return quote(str(value), safe="=")


def _iso_utc(moment):
    """ISO 8601 in UTC with a Z, as Graph wants; naive datetimes are taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"
