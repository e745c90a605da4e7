"""EIDO conveyance, /ws/eido/ (NENA-STA-024): a partner's program (its token) or the center's own
(a session or the center's token) subscribes to one incident or to the incidents it may see, and is
notified of each change with the incident's EIDO (calls.eido.build), acknowledging each notify.

Messages are JSON objects named by their one key:

    → {"subscribe": {"requestId", "requestType": "EIDO", "requestSubType": "single" | "new" | "all",
                     "incidentId" (single only), "minRate", "maxRate", "expires"}}
    ← {"subscribeResponse": {"requestId", "subscriptionId", "statusCode", "statusText",
                             "minRate", "maxRate", "expires"}}
    ← {"notify": {"subscriptionId", "transactionId", "notification": [EIDO, …]}}
    → {"notifyResponse": {"transactionId", "statusCode": 200}}
    → {"subscribe": {"requestId", "subscriptionId", "expires"}}        (renewal)
    → {"unsubscribe": {"requestId", "subscriptionId"}}
    ← {"unsubscribeResponse": {"requestId", "subscriptionId", "statusCode", "statusText"}}
    ← {"subscriptionTerminated": {"subscriptionId", "statusCode": 410, "statusText"}}  (expired)
    ← {"error": {"statusCode", "statusText"}}                         (a message not understood)

"single" follows one incident (notified at once with its EIDO, then at each change); "new" gives
each incident the subscriber may see once, the first time it changes after subscribing (entered
here, sent in, or shared with it); "all" every change of every incident it may see. A notify comes
no sooner than maxRate seconds after the last (changes in between arrive together), and no later
than minRate: then a keepalive notify (the incident's EIDO again for "single", an empty list
otherwise), or the last notify again while it is not acknowledged. A subscription ends when it
expires unless renewed.

What changed comes from the live stream's hub (cad.hub): one subscription to the changes per server
process, whatever the number of sockets; a partner's sockets get only the calls calls_shared_with
gives its agency, decided once per event and agency, and every EIDO is read through the same rule.
"""

import asyncio
import contextlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from cad.consumers import HubConsumer
from cad.hub import Beat, Entry
from calls.eido.build import eido_build
from calls.selectors import calls_visible_to
from calls.selectors.eido import call_of_incident, eido_calls, eido_context

SUBTYPES = ("single", "new", "all")
CHANGES = frozenset({"call.created", "call.updated", "call.closed", "call.note"})
MOST_SUBSCRIPTIONS = 100
LONGEST_ID = 255
OK, BAD_REQUEST, NOT_FOUND, GONE, NOT_IMPLEMENTED = 200, 400, 404, 410, 501
STATUS_TEXT = {OK: "OK", BAD_REQUEST: "Bad request", NOT_FOUND: "Not found", GONE: "Subscription expired",
               NOT_IMPLEMENTED: "Not implemented"}


class Refused(Exception):
    def __init__(self, code: int, text: str):
        super().__init__(text)
        self.code, self.text = code, text


@dataclass
class Subscription:
    id: str
    subtype: str
    call_id: int | None
    min_rate: int
    max_rate: int
    expires_at: float
    last_sent: float
    pending: dict[int, int] = field(default_factory=dict)  # call id → the seq that changed it
    seen: set[int] = field(default_factory=set)  # "new": incidents already given
    unacknowledged: dict[str, dict] = field(default_factory=dict)  # transactionId → the notify
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None

    def wants(self, call_id: int, event: str) -> bool:
        if self.subtype == "single":
            return call_id == self.call_id
        if self.subtype == "new":
            return call_id not in self.seen and call_id not in self.pending
        return True


def _whole(body: dict, name: str, *, least: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise Refused(BAD_REQUEST, f"{name} must be a whole number of seconds from {least}.")
    return value


def _text_id(body: dict, name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > LONGEST_ID:
        raise Refused(BAD_REQUEST, f"{name} must be a string of 1 to {LONGEST_ID} characters.")
    return value


class EidoConsumer(HubConsumer):
    """One program's EIDO subscriptions."""

    async def connect(self) -> None:
        self.subscriptions: dict[str, Subscription] = {}
        self.last_seq = 0
        if not await self.admitted():
            return
        self.last_seq = self.hub.seq
        self.live = True

    def stop(self) -> None:
        for subscription in getattr(self, "subscriptions", {}).values():
            if subscription.task is not None:
                subscription.task.cancel()
        self.subscriptions = {}
        super().stop()

    # The subscriber's messages

    async def receive_json(self, content: Any, **kwargs) -> None:
        if not self.live:
            return
        name = next(iter(content)) if isinstance(content, dict) and len(content) == 1 else None
        handle = {"subscribe": self._subscribe, "unsubscribe": self._unsubscribe,
                  "notifyResponse": self._acknowledged}.get(name)
        body = content.get(name) if name else None
        if handle is None or not isinstance(body, dict):
            await self._error(BAD_REQUEST, 'Send one JSON object: {"subscribe": {…}}, {"unsubscribe": {…}} '
                                           'or {"notifyResponse": {…}}.')
            return
        await handle(body)

    async def _error(self, code: int, text: str) -> None:
        await self.send_json({"error": {"statusCode": code, "statusText": text}})

    async def _subscribe(self, body: dict) -> None:
        request_id = body.get("requestId") if isinstance(body.get("requestId"), str) else None
        try:
            request_id = _text_id(body, "requestId")
            if "subscriptionId" in body:
                answer = self._renew(body)
            else:
                answer, subscription = await self._new_subscription(body)
        except Refused as refusal:
            await self.send_json({"subscribeResponse": {"requestId": request_id, "statusCode": refusal.code,
                                                        "statusText": refusal.text}})
            return
        await self.send_json({"subscribeResponse": {"requestId": request_id, "statusCode": OK,
                                                    "statusText": STATUS_TEXT[OK], **answer}})
        if "subscriptionId" not in body:
            subscription.task = asyncio.get_running_loop().create_task(self._run(subscription))

    def _renew(self, body: dict) -> dict:
        if {"minRate", "maxRate", "incidentId", "requestSubType"} & body.keys():
            raise Refused(BAD_REQUEST, "A renewal gives only requestId, subscriptionId and expires.")
        subscription = self.subscriptions.get(body["subscriptionId"])
        if subscription is None:
            raise Refused(NOT_FOUND, "No such subscription on this connection.")
        expires = self._expires(body)
        subscription.expires_at = self._now() + expires
        subscription.wake.set()
        return {"subscriptionId": subscription.id, "expires": expires, "minRate": subscription.min_rate,
                "maxRate": subscription.max_rate}

    async def _new_subscription(self, body: dict) -> tuple[dict, Subscription]:
        if body.get("requestType", "EIDO") != "EIDO":
            raise Refused(NOT_IMPLEMENTED, "Only requestType EIDO is served here.")
        if body.get("qualFilter") is not None:
            raise Refused(NOT_IMPLEMENTED, "qualFilter is not supported: subscribe to \"all\" or \"new\".")
        incident = _text_id(body, "incidentId", required=False)
        subtype = body.get("requestSubType") or ("single" if incident else "new")
        if subtype not in SUBTYPES:
            raise Refused(BAD_REQUEST, f"requestSubType is one of {', '.join(SUBTYPES)}.")
        if (subtype == "single") != (incident is not None):
            raise Refused(BAD_REQUEST, "incidentId is given for a \"single\" subscription, and only then.")
        min_rate = _whole(body, "minRate", least=1) or settings.CAD_EIDO_MIN_RATE_SECONDS
        max_rate = _whole(body, "maxRate", least=0) or 0
        if max_rate > min_rate:
            raise Refused(BAD_REQUEST, "maxRate (the least time between notifies) cannot exceed minRate.")
        expires = self._expires(body)
        if len(self.subscriptions) >= MOST_SUBSCRIPTIONS:
            raise Refused(BAD_REQUEST, f"At most {MOST_SUBSCRIPTIONS} subscriptions on one connection.")
        call_id = None
        if incident is not None:
            call_id = await database_sync_to_async(self._incident_call)(incident)
            if call_id is None:
                raise Refused(NOT_FOUND, "No such incident here, or not one this agency may see.")
        now = self._now()
        subscription = Subscription(id=str(uuid.uuid4()), subtype=subtype, call_id=call_id, min_rate=min_rate,
                                    max_rate=max_rate, expires_at=now + expires, last_sent=now)
        if call_id is not None:
            subscription.pending[call_id] = self.last_seq  # the incident as it stands, at once
        self.subscriptions[subscription.id] = subscription
        answer = {"subscriptionId": subscription.id, "expires": expires, "minRate": min_rate,
                  "maxRate": max_rate}
        return answer, subscription

    def _expires(self, body: dict) -> int:
        asked = _whole(body, "expires", least=1)
        return min(asked or settings.CAD_EIDO_EXPIRES_SECONDS, settings.CAD_EIDO_EXPIRES_SECONDS)

    def _incident_call(self, incident_id: str) -> int | None:
        try:
            call = call_of_incident(incident_id, calls_visible_to(self.user).prefetch_related(None))
        except LookupError:
            return None
        return call.pk if call is not None else None

    async def _unsubscribe(self, body: dict) -> None:
        request_id = body.get("requestId") if isinstance(body.get("requestId"), str) else None
        subscription = self.subscriptions.pop(body.get("subscriptionId"), None) \
            if isinstance(body.get("subscriptionId"), str) else None
        if subscription is None:
            code, text = NOT_FOUND, "No such subscription on this connection."
        else:
            if subscription.task is not None:
                subscription.task.cancel()
            code, text = OK, STATUS_TEXT[OK]
        await self.send_json({"unsubscribeResponse": {"requestId": request_id,
                                                      "subscriptionId": body.get("subscriptionId"),
                                                      "statusCode": code, "statusText": text}})

    async def _acknowledged(self, body: dict) -> None:
        transaction_id = body.get("transactionId")
        if not isinstance(transaction_id, str):
            await self._error(BAD_REQUEST, "A notifyResponse names the notify's transactionId.")
            return
        for subscription in self.subscriptions.values():
            subscription.unacknowledged.pop(transaction_id, None)

    # Notifying

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    async def _run(self, subscription: Subscription) -> None:
        """Send what is pending when maxRate allows, a keepalive when minRate is due, and end the
        subscription when it expires."""
        while self.live and self.subscriptions.get(subscription.id) is subscription:
            now = self._now()
            if now >= subscription.expires_at:
                self.subscriptions.pop(subscription.id, None)
                await self.send_json({"subscriptionTerminated": {
                    "subscriptionId": subscription.id, "statusCode": GONE, "statusText": STATUS_TEXT[GONE]}})
                return
            may_send = subscription.last_sent + subscription.max_rate
            if subscription.pending and now >= may_send:
                await self._notify(subscription, dict(subscription.pending))
                continue
            if now >= subscription.last_sent + subscription.min_rate:
                await self._keepalive(subscription)
                continue
            wake = min(subscription.expires_at, subscription.last_sent + subscription.min_rate,
                       may_send if subscription.pending else subscription.expires_at)
            subscription.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(subscription.wake.wait(), timeout=max(0.0, wake - now))

    async def _notify(self, subscription: Subscription, changed: dict[int, int]) -> None:
        for call_id in changed:
            subscription.pending.pop(call_id, None)
        eidos = await database_sync_to_async(self._eidos)(list(changed))
        if subscription.subtype == "new":
            subscription.seen.update(changed)
        if eidos:
            await self._send_notify(subscription, eidos)

    async def _keepalive(self, subscription: Subscription) -> None:
        if subscription.unacknowledged:
            # Not acknowledged yet: the same notify again, under the same transactionId.
            message = next(iter(subscription.unacknowledged.values()))
            subscription.last_sent = self._now()
            await self.send_json(message)
            return
        eidos = []
        if subscription.subtype == "single":
            eidos = await database_sync_to_async(self._eidos)([subscription.call_id])
        await self._send_notify(subscription, eidos, keepalive=True)

    async def _send_notify(self, subscription: Subscription, eidos: list[dict], *,
                           keepalive: bool = False) -> None:
        message = {"notify": {"subscriptionId": subscription.id, "transactionId": str(uuid.uuid4()),
                              "notification": eidos}}
        if not keepalive or eidos:
            subscription.unacknowledged[message["notify"]["transactionId"]] = message
        subscription.last_sent = self._now()
        await self.send_json(message)

    def _eidos(self, call_ids: list[int]) -> list[dict]:
        """The EIDOs of those calls this subscriber may (still) see."""
        calls = eido_calls(calls_visible_to(self.user).prefetch_related(None).filter(pk__in=call_ids)
                           .order_by("received_at", "pk"))
        context = eido_context()
        return [eido_build(call, context=context) for call in calls]

    # Called by the hub

    async def offer(self, entry: Entry) -> None:
        """The hub's next event: each subscription that wants that call's change is woken. Events
        this socket missed meanwhile are taken from the hub's memory first."""
        if not self.live or entry.seq <= self.last_seq:
            return
        for seq in range(self.last_seq + 1, entry.seq):
            earlier = self.hub.entry(seq)
            if earlier is None:
                self.fall_behind()
                break
            await self._take(earlier)
        await self._take(entry)

    async def _take(self, entry: Entry) -> None:
        self.last_seq = max(self.last_seq, entry.seq)
        if entry.call_id is None or entry.event not in CHANGES or not self.subscriptions:
            return
        if self.audience is not None:
            if self.audience not in entry.shared:
                await self.hub.decide(entry, {self.audience})
            if not entry.shared[self.audience]:
                return
        for subscription in self.subscriptions.values():
            if subscription.wants(entry.call_id, entry.event):
                subscription.pending[entry.call_id] = entry.seq
                subscription.wake.set()

    def fall_behind(self) -> None:
        """Changes were lost to this process (too many at once): each single incident is sent again
        as it stands."""
        if self.hub is not None:
            self.last_seq = max(self.last_seq, self.hub.seq)
        for subscription in self.subscriptions.values():
            if subscription.call_id is not None:
                subscription.pending[subscription.call_id] = self.last_seq
                subscription.wake.set()

    async def beat(self, beat: Beat) -> None:
        """The consoles' heartbeat: an EIDO subscription has its own keepalive (minRate)."""
