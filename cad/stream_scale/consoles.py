"""Consoles: client processes, each an asyncio loop holding its share of the sockets, reporting
when each call reached each of them."""

import asyncio
import json
import multiprocessing
import time
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import websockets
from websockets.asyncio.client import connect as ws_connect

from cad import heap
from cad.stream_scale.processes import raise_open_files

CREATED = b'{"event": "call.created"'
UPDATED = b'{"event": "call.updated"'


@dataclass
class Connected:
    opened: int
    failed: int
    seconds: float  # from the order to connect to the last snapshot received
    errors: Counter = field(default_factory=Counter)


class Consoles:
    """Consoles spread over client processes, each an asyncio loop holding its share of sockets."""

    def __init__(self, processes: int):
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for _ in range(processes):
            parent, child = context.Pipe()
            process = context.Process(target=console_pool, args=(child,), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def _ask(self, command: str, shares: list[dict]) -> list:
        for pipe, kwargs in zip(self.pipes, shares, strict=True):
            pipe.send((command, kwargs))
        answers = [pipe.recv() for pipe in self.pipes]
        for answer in answers:
            if isinstance(answer, Exception):
                raise answer
        return answers

    def _each(self, command: str, **kwargs) -> list:
        return self._ask(command, [kwargs] * len(self.pipes))

    def connect(self, url: str, headers: dict | list[dict], count: int, rate: float | None,
                watch: bytes = CREATED) -> Connected:
        """Open `count` consoles, at `rate` a second over all processes (None: all at once), each
        waiting for its first message (the snapshot). `headers`: the same for every socket, or one
        each (each its own session); `watch`: the start of the messages whose arrival is noted."""
        n = len(self.pipes)
        counts = [count // n + (i < count % n) for i in range(n)]
        firsts = [sum(counts[:i]) for i in range(n)]
        each = isinstance(headers, list)
        shares = [{"url": url, "count": counts[i], "rate": rate / n if rate else None, "watch": watch,
                   "headers": headers[firsts[i]:firsts[i] + counts[i]] if each else headers}
                  for i in range(n)]
        started = time.time()
        answers = self._ask("connect", shares)
        connected = Connected(sum(a["opened"] for a in answers), sum(a["failed"] for a in answers),
                              max([a["last"] for a in answers if a["last"]] or [started]) - started)
        for answer in answers:
            connected.errors.update(answer["errors"])
        return connected

    def wait(self, numbers: list[str], until: float) -> None:
        """Until every console holds every one of `numbers`, or the wall clock reaches `until`."""
        self._each("wait", numbers=numbers, until=until)

    def arrivals(self) -> tuple[dict[str, list[float]], int]:
        """When each call number arrived on each console (wall clock), and how many consoles the
        server closed."""
        merged: dict[str, list[float]] = defaultdict(list)
        dropped = 0
        for answer in self._each("report"):
            for number, times in answer["arrivals"].items():
                merged[number].extend(times)
            dropped += answer["dropped"]
        return merged, dropped

    def forget(self) -> None:
        self._each("forget")

    def close(self) -> None:
        self._each("close")

    def stop(self) -> None:
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            if process.is_alive():
                try:
                    pipe.send(("stop", {}))
                    pipe.recv()
                except (OSError, EOFError):
                    pass
            process.join(10)
            if process.is_alive():
                process.kill()


def console_pool(pipe) -> None:
    raise_open_files()
    heap.settle()  # as the server does: a client's own pauses would be counted against the stream
    asyncio.run(ConsolePool().serve(pipe))


class ConsolePool:
    """One client process's consoles. Reading costs little: only a call.created is parsed."""

    def __init__(self):
        self.sockets = []
        self.readers = []
        self.arrivals: dict[str, array] = defaultdict(lambda: array("d"))
        self.dropped = 0
        self.closing = False
        self.watch = CREATED

    async def serve(self, pipe) -> None:
        loop = asyncio.get_running_loop()
        while True:
            command, kwargs = await loop.run_in_executor(None, pipe.recv)
            if command == "stop":
                await self.close()
                pipe.send(None)
                return
            try:
                pipe.send(await getattr(self, command)(**kwargs))
            except Exception as error:
                pipe.send(RuntimeError(f"client process: {command}: {error!r}"))

    async def connect(self, url: str, headers: dict | list[dict], count: int, rate: float | None,
                      watch: bytes = CREATED) -> dict:
        errors = Counter()
        self.watch = watch

        async def one(i: int, delay: float) -> float | None:
            await asyncio.sleep(delay)
            try:
                mine = headers[i] if isinstance(headers, list) else headers
                ws = await ws_connect(url, additional_headers=mine, compression=None, max_size=None,
                                      ping_interval=None, open_timeout=60, close_timeout=2)
            except (OSError, TimeoutError, websockets.WebSocketException) as error:
                errors[type(error).__name__] += 1
                return None
            try:
                await asyncio.wait_for(ws.recv(decode=False), 60)
            except (TimeoutError, websockets.WebSocketException) as error:
                errors[type(error).__name__] += 1
                await ws.close()
                return None
            at = time.time()
            self.sockets.append(ws)
            self.readers.append(asyncio.create_task(self.read(ws)))
            return at

        ready = await asyncio.gather(*(one(i, i / rate if rate else 0) for i in range(count)))
        opened = [at for at in ready if at is not None]
        return {"opened": len(opened), "failed": count - len(opened), "last": max(opened, default=None),
                "errors": errors}

    async def read(self, ws) -> None:
        try:
            while True:
                message = await ws.recv(decode=False)
                if message.startswith(self.watch):
                    at = time.time()
                    self.arrivals[json.loads(message)["data"]["number"]].append(at)
        except websockets.ConnectionClosed:
            if not self.closing:
                self.dropped += 1

    async def wait(self, numbers: list[str], until: float) -> None:
        while time.time() < until:
            if all(len(self.arrivals.get(number, ())) >= len(self.sockets) for number in numbers):
                return
            await asyncio.sleep(0.05)

    async def report(self) -> dict:
        return {"arrivals": {number: times.tolist() for number, times in self.arrivals.items()},
                "dropped": self.dropped}

    async def forget(self) -> None:
        self.arrivals.clear()

    async def close(self) -> None:
        self.closing = True
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        self.sockets, self.readers = [], []
        self.arrivals.clear()
        self.dropped = 0
        self.closing = False
