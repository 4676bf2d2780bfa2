"""Outgoing webhooks: one task in the server that queues, schedules and delivers them.

Theory of operation
-------------------
Nothing here decides that something happened; it reads what the store already knows.

* Facts of a board: the incident log's triggers record `meeting.closed` and
  `action.status_changed` in the same transaction as the log row that shows them
  (storage/outbox.py). Each pass `fan_out`s those events into the outbox, one message per hook
  that hears them, and marks them dispatched in the same transaction.
* Facts of the calendar: every `tick` seconds the pass works out the reminders and digests
  each hook is owed (`webhooks_schedule.scheduled`) and queues the ones not yet queued.
* Delivery: pending messages whose time has come are posted, each from a thread of its own
  (the event loop never waits on a receiver), a few at a time. A 2xx marks it delivered;
  anything else, or no answer within `timeout`, schedules another attempt with exponential
  backoff and jitter (from `retry` seconds, doubling, at most an hour apart) until a day has
  passed, when it is marked failed. Every result is written through the store.

Why nothing is lost or sent twice: every message has a key naming its fact, and the outbox
holds one row per (hook, key), so queueing is idempotent whoever does it and however often a
crash makes it happen again. A message is marked delivered only after a receiver said 2xx. The
one moment a crash can repeat a message is after the receiver got it and before its 2xx was
recorded: it is then sent again after the restart with the same key in `Idempotency-Key` and
`Hindsight-Delivery`, which a receiver uses to drop the repeat (at-least-once delivery, made
effectively once by the key; chat apps show such a repeat, which needs that exact moment).
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import logging
import random
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from hindsight.server.meeting.hub import Hub
from hindsight.server.outputs import webhooks_schedule as sched
from hindsight.server.outputs.webhooks_config import Hook, WebhookConfig
from hindsight.server.outputs.webhooks_payload import render
from hindsight.server.storage import outbox
from hindsight.server.storage.schema import LogRow, OutboxResult, OutboxWrites, WriteBatch

logger = logging.getLogger("hindsight.webhooks")

RETENTION_MS = 90 * 86_400_000  # delivered and failed messages are kept this long, then pruned
PRUNE_EVERY_MS = 3_600_000
STOP_TIMEOUT = 10.0  # seconds a pass under way may take to finish when the server stops
SCHEDULED = frozenset({"action.due_soon", "action.overdue", "digest.weekly"})
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome:
    code: int | None  # the HTTP status the receiver answered, None when it did not
    error: str = ""
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would be replayed as a GET without its body: report it instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0  # an HTTP date: the backoff decides


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST `body` to `url` (blocking). Errors never name the URL: a chat hook's URL is its
    secret, and these messages are shown on the operator's page."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65_536)
            return Outcome(int(response.status))
    except urllib.error.HTTPError as e:
        with e:
            return Outcome(
                e.code, f"HTTP {e.code} {e.reason}", _retry_after(e.headers.get("Retry-After"))
            )
    except urllib.error.URLError as e:
        return Outcome(None, f"no answer: {e.reason}")
    except (OSError, http.client.HTTPException, ValueError) as e:
        return Outcome(None, f"no answer: {type(e).__name__}: {e}")


async def in_daemon_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking `fn` in a daemon thread of its own: a receiver that hangs until the
    timeout never delays the server's exit (the default executor's threads would)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result, error = fn(*args), None
        except BaseException as e:  # handed to the awaiting task
            result, error = None, e
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=run, name="hindsight-webhook", daemon=True).start()
    return await future


class Notifier:
    """The one webhook task of a server: `start()` in the app's lifespan, `stop()` at its end."""

    def __init__(
        self,
        hub: Hub,
        config: WebhookConfig,
        *,
        base_url: str,
        clock: Callable[[], float],
        tick: float = 60.0,
        retry: float = 30.0,
        timeout: float = 10.0,
        concurrency: int = 8,
    ) -> None:
        self.hub = hub
        self.store = hub.store
        self.hooks = {h.name: h for h in config.hooks}
        self.base_url = base_url
        self.clock = clock  # unix seconds (app.state.webhook_clock: tests move it)
        self.tick = tick
        # How often events and due messages are looked for. Without hooks there is nothing to
        # send: a pass a tick only marks the log's events seen and prunes them, instead of
        # reading the store every second on a server that sends nothing.
        self.poll = min(1.0, tick) if self.hooks else tick
        self.retry = retry
        self.timeout = timeout
        self.concurrency = concurrency
        self.rng = random.Random()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._sending: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._scheduled_at = float("-inf")  # loop time of the last scheduling pass
        self._pruned_at = 0

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def start(self) -> None:
        if self.hooks:
            logger.info(
                "webhooks: %s; links in messages start with %s",
                ", ".join(f"{h.name} ({h.format})" for h in self.hooks.values()),
                self.base_url,
            )
        self._stopping = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self, grace: float = 1.0) -> None:
        """Let the pass under way finish, then stop; give messages on the wire `grace` seconds
        to be recorded (one cut short is sent again after the restart, with its key).

        A pass is not cancelled midway: its reads run in threads on the store's reader
        connections, which the store closes right after this, and a connection closed under a
        running query can crash the process."""
        if self._task is not None:
            self._stopping.set()
            done, _ = await asyncio.wait([self._task], timeout=STOP_TIMEOUT)
            if not done:  # a pass stuck for that long: give up on it
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        sending = list(self._sending.values())
        if sending:
            await asyncio.wait(sending, timeout=grace)
        for task in sending:
            task.cancel()
        await asyncio.gather(*sending, return_exceptions=True)

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                # One node sends (several on PostgreSQL: one holds the task, see leads()).
                if await asyncio.to_thread(self.store.leads, "webhooks"):
                    await self.step()
            except Exception:
                logger.exception("webhooks: a pass failed; the next one runs in %.0f s", self.poll)
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=self.poll)
            except TimeoutError:
                pass

    async def step(self) -> None:
        """One pass: fan events out, schedule when a tick has passed, start due deliveries."""
        await self.fan_out()
        loop_now = asyncio.get_running_loop().time()
        if loop_now - self._scheduled_at >= self.tick:
            self._scheduled_at = loop_now
            await self.schedule()
        await self.send_due()

    async def fan_out(self) -> None:
        events = await asyncio.to_thread(outbox.pending_events, self.store)
        if events:
            # A restricted board's news goes to no channel: its readers are a few named people.
            hidden = await asyncio.to_thread(self.store.restricted_boards)
            writes = sched.fan_out(
                events, tuple(self.hooks.values()), self.now_ms(), skip=frozenset(hidden)
            )
            await self.store.write(WriteBatch(outbox=writes))

    async def schedule(self) -> None:
        now = self.now_ms()
        prune = now - RETENTION_MS if now - self._pruned_at >= PRUNE_EVERY_MS else 0
        # A log row a crash left behind its board is brought up to date (its triggers then
        # record what changed), whether or not anyone reads the log.
        await self.hub.sync_log()
        rows: list[LogRow] = []
        if any(h.events & SCHEDULED for h in self.hooks.values()):
            rows = [r for r in await asyncio.to_thread(self.store.log_rows) if not r.restricted]
        new = []
        for hook in self.hooks.values():
            owed = sched.scheduled(rows, hook, now)
            if owed:
                have = await asyncio.to_thread(
                    outbox.queued_keys, self.store, hook.name, [m.key for m in owed]
                )
                new += [m for m in owed if m.key not in have]
        if new or prune:
            await self.store.write(
                WriteBatch(outbox=OutboxWrites(enqueue=tuple(new), prune_before=prune))
            )
            self._pruned_at = now if prune else self._pruned_at

    async def send_due(self) -> None:
        room = self.concurrency - len(self._sending)
        if room <= 0:
            return
        # A message on the wire when the query starts may finish (and leave `_sending`) while
        # it runs: its row in the answer is then stale, so it is left to the next pass.
        busy = set(self._sending)
        due = await asyncio.to_thread(
            outbox.due_deliveries, self.store, self.now_ms(), room + len(busy)
        )
        loop = asyncio.get_running_loop()
        for delivery in due:
            ident = (delivery.hook, delivery.key)
            if ident in busy or ident in self._sending or len(self._sending) >= self.concurrency:
                continue
            task = loop.create_task(self.deliver(delivery))
            self._sending[ident] = task
            task.add_done_callback(functools.partial(self._sent, ident))

    def _sent(self, ident: tuple[str, str], _: asyncio.Task[None]) -> None:
        self._sending.pop(ident, None)

    async def deliver(self, delivery: outbox.Delivery) -> None:
        """One attempt, and its result written (before the message can be picked again)."""
        hook = self.hooks.get(delivery.hook)
        try:
            outcome = await self.attempt(delivery, hook)
            result = self.result_of(delivery, outcome, hook)
            await self.store.write(WriteBatch(outbox=OutboxWrites(results=(result,))))
        except Exception:  # the message stays pending as it was: the next pass tries it
            logger.exception("webhooks: %s to %s: the attempt failed", delivery.key, delivery.hook)
            return
        if result.status != "delivered":
            logger.info(
                "webhooks: %s to %s: %s (%s)",
                delivery.key,
                delivery.hook,
                outcome.error,
                result.status,
            )

    async def attempt(self, delivery: outbox.Delivery, hook: Hook | None) -> Outcome:
        if hook is None:
            return Outcome(None, "this hook is no longer in the webhooks file")
        try:
            body, headers = render(delivery, hook, self.base_url, int(self.clock()))
        except Exception as e:  # a bug, not the receiver's fault: shown, retried, then failed
            logger.exception("webhooks: %s to %s: no message made", delivery.key, delivery.hook)
            return Outcome(None, f"the message could not be made: {type(e).__name__}: {e}")
        return await in_daemon_thread(post, hook.url, body, headers, self.timeout)

    def result_of(
        self, delivery: outbox.Delivery, outcome: Outcome, hook: Hook | None
    ) -> OutboxResult:
        now = self.now_ms()
        result = OutboxResult(
            delivery.hook, delivery.key, "delivered", now, 0, outcome.code, outcome.error
        )
        if outcome.ok:
            return result
        if hook is None or now - delivery.created_at >= sched.GIVE_UP_MS:
            return replace(result, status="failed")
        wait = sched.backoff(delivery.attempts + 1, self.retry, self.rng, outcome.retry_after)
        return replace(result, status="pending", next_try=now + int(wait * 1000))
