"""The yardstick: a bare `websockets` broadcast server, in a process of its own."""

import asyncio
import json
import multiprocessing

from websockets.asyncio.server import broadcast, serve

from cad import heap
from cad.stream_scale.processes import free_port, raise_open_files


class BareServer:
    """A bare `websockets` broadcast server in a process of its own: every socket on / is sent each
    number written to /control, as a call.created event. `sample`: the data of a call.created the CAD
    sent, which each event carries with its number in place (so the bare server's consoles are sent,
    frame and parse what the CAD's are: the same bytes, not a few dozen)."""

    def __init__(self, sample: dict | None = None):
        self.port = free_port()
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        context = multiprocessing.get_context("spawn")
        ready = context.Event()
        self.process = context.Process(target=bare_server, args=(self.port, ready, sample or {}), daemon=True)
        self.process.start()
        if not ready.wait(30):
            self.stop()
            raise RuntimeError("the bare broadcast server did not start")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(10)


def bare_server(port: int, ready, sample: dict) -> None:
    raise_open_files()
    heap.settle()  # as the CAD's server does
    asyncio.run(_bare_server(port, ready, sample))


async def _bare_server(port: int, ready, sample: dict) -> None:
    consoles = set()
    seq = 0

    async def handler(ws):
        nonlocal seq
        if ws.request.path == "/control":
            async for number in ws:
                seq += 1
                event = {"event": "call.created", "seq": seq, "data": {**sample, "number": number}}
                broadcast(consoles, json.dumps(event))
            return
        await ws.send(json.dumps({"event": "snapshot", "seq": seq, "data": {}}))
        consoles.add(ws)
        try:
            await ws.wait_closed()
        finally:
            consoles.discard(ws)

    async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None, backlog=4096):
        ready.set()
        await asyncio.Future()
