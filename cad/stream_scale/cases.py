"""The cases of `bench --stream-scale`, run and printed."""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from cad.stream_scale.bare import BareServer
from cad.stream_scale.calls import Posted, call_created_sample, post_calls, trigger_calls
from cad.stream_scale.consoles import Connected, Consoles
from cad.stream_scale.figures import DEADLINE, Delivery, percentile
from cad.stream_scale.processes import PrivateRedis, ServeProcess

WARM_UP_CALLS = 10  # a server process's first calls, posted before each fan-out case and not counted


@dataclass
class Scale:
    """The sizes of a run; the bench's defaults are the issue's, the tests' are small."""

    consoles: int = 1000
    calls: int = 50
    rate: float = 10.0
    sustained_rate: float = 100.0
    sustained_seconds: float = 60.0
    idle_seconds: float = 30.0
    redis_down_seconds: float = 2.0
    client_processes: int = 4
    connect_rate: float = 500.0
    posting_threads: int = 32  # more than the server runs at once, so the server is what holds calls back

    @property
    def fan_out(self) -> list[tuple[int, int]]:
        """(consoles, server processes) of the fan-out cases."""
        return [(max(1, self.consoles // 5), 1), (self.consoles, 1), (2 * self.consoles, 2)]


@dataclass
class Results:
    """What a run measured, case by case (a case not run stays empty)."""

    bare: dict[int, Delivery] = field(default_factory=dict)
    cad: dict[tuple[int, int], Delivery] = field(default_factory=dict)  # by (consoles, server processes)
    posts: dict[tuple[int, int], Posted] = field(default_factory=dict)
    spread: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # consoles on each process
    burst: Connected | None = None
    burst_problems: int = 0
    idle_kib_a_console: float | None = None
    idle_cpu_percent: float | None = None
    sustained: tuple[Delivery, Posted] | None = None
    bare_sustained: Delivery | None = None  # the bare server at the sustained rate, the yardstick of c
    redis: tuple[Delivery, Posted] | None = None
    converged_seconds: float | None = None  # after Redis was back; None: not within DEADLINE
    sample: dict = field(default_factory=dict)  # the CAD's call.created data, which the bare server sends


class StreamScale:
    """The cases of `bench --stream-scale`, on servers started with `env` (the database, Redis),
    consoles authenticated with `token`."""

    def __init__(self, write, *, env: dict, token: str, scale: Scale, folder: Path):
        self.write = write
        self.env = {**env, "ALLOWED_HOSTS": "127.0.0.1", "CAD_INPROCESS_SCHEDULER": "False",
                    # Each daphne thread may hold a database connection; the machine's are shared.
                    "ASGI_THREADS": env.get("ASGI_THREADS", "4")}
        self.token = token
        self.headers = {"Authorization": f"Token {token}"}
        self.scale = scale
        self.folder = folder
        self.consoles = Consoles(scale.client_processes)
        self.servers = 0
        self.results = Results()

    def stop(self) -> None:
        self.consoles.stop()

    def serve(self, processes: int = 1, **env) -> ServeProcess:
        self.servers += 1
        return ServeProcess({**self.env, **env}, self.folder / f"serve-{self.servers}.log", processes)

    def connect(self, server, count: int, rate: float | None) -> Connected:
        connected = self.consoles.connect(f"{server.ws_url}/ws/console/" if isinstance(server, ServeProcess)
                                          else f"{server.ws_url}/", self.headers, count, rate)
        if connected.failed:
            self.write(f"    {connected.failed} of {count} consoles failed to connect: "
                       f"{dict(connected.errors)}")
        return connected

    def deliver(self, count: int, send) -> tuple[Delivery, Posted]:
        """Calls sent by `send()`, then what reached the `count` consoles requested."""
        self.consoles.forget()
        posted = send()
        self.consoles.wait(list(posted.sent), time.time() + DEADLINE)
        arrivals, dropped = self.consoles.arrivals()
        return Delivery.of(count, posted.sent, arrivals, dropped), posted

    def fan_out_bare(self, bare: BareServer, count: int, calls: int | None = None,
                     rate: float | None = None) -> Delivery:
        self.connect(bare, count, self.scale.connect_rate)
        try:
            delivery, _ = self.deliver(count, lambda: trigger_calls(bare.ws_url, calls or self.scale.calls,
                                                                    rate or self.scale.rate))
        finally:
            self.consoles.close()
        return delivery

    def fan_out(self, server: ServeProcess, count: int) -> None:
        """`count` consoles connected at the connect rate; the bench's calls at its rate, after a few
        not counted: each server process's first calls open its database connections and load what a
        new call needs, which a server that has been up for a minute has done long before (the bare
        server has nothing to load)."""
        self.connect(server, count, self.scale.connect_rate)
        try:
            post_calls(server.url, self.token, WARM_UP_CALLS * server.processes, self.scale.rate,
                       self.scale.posting_threads)
            time.sleep(0.5)  # their deliveries are in before the counted calls start
            case = (count, server.processes)
            self.results.spread[case] = sorted(server.sockets().values())
            self.results.cad[case], self.results.posts[case] = self.deliver(count, lambda: post_calls(
                server.url, self.token, self.scale.calls, self.scale.rate, self.scale.posting_threads))
        finally:
            self.consoles.close()

    def run(self, *, redis: bool, private_redis: bool) -> Results:
        scale, write = self.scale, self.write
        write(f"Stream scale: {scale.client_processes} client processes, consoles connect at "
              f"{scale.connect_rate:g}/s, calls at {scale.rate:g}/s ({scale.calls} a case, after "
              f"{WARM_UP_CALLS} per server process not counted), reach within {DEADLINE:g} s")
        server = self.serve(1)
        try:
            sample = self.results.sample = call_created_sample(server.url, server.ws_url, self.token)
        finally:
            server.stop()
        write(f"  the bare server sends the CAD's call.created as it is ({len(json.dumps(sample))} "
              "bytes of data), its number changed")
        bare = BareServer(sample)
        try:
            for count, _ in scale.fan_out:
                write(f"  bare broadcast server, {count} consoles ...")
                self.results.bare[count] = self.fan_out_bare(bare, count)
            sustained = int(scale.sustained_rate * scale.sustained_seconds)
            write(f"  bare broadcast server, {scale.sustained_rate:g} calls/s for "
                  f"{scale.sustained_seconds:g} s to {scale.consoles} consoles ...")
            self.results.bare_sustained = self.fan_out_bare(bare, scale.consoles, sustained,
                                                            scale.sustained_rate)
        finally:
            bare.stop()
        for count, processes in scale.fan_out:
            if processes > 1 and not redis:
                continue
            write(f"  CAD, {count} consoles on {processes} server process(es) ...")
            server = self.serve(processes)
            try:
                self.fan_out(server, count)
            finally:
                server.stop()
        self.print_fan_out()
        self.burst_idle_sustained()
        if private_redis:
            self.redis_restarted()
        else:
            write("e. Redis restarted: skipped: needs the redis-server program")
        return self.results

    def print_fan_out(self) -> None:
        write, bare, cad = self.write, self.results.bare, self.results.cad
        write("a. Fan-out, new call to every console (ms, from just before the POST or trigger; "
              "201 p50: the POST's own answer):")
        write(f"   {'server':<7}{'consoles':>9}{'procs':>6}{'p50':>9}{'p99':>9}{'max':>9}{'reach':>8}"
              f"{'p99/bare':>10}{'201 p50':>9}  POSTs")
        for count, processes in self.scale.fan_out:
            b = bare[count]
            write(f"   {'bare':<7}{count:>9}{1:>6}{b.p(0.5):>9.1f}{b.p(0.99):>9.1f}{b.p(1):>9.1f}"
                  f"{b.reach:>8.3f}{'':>10}{'':>9}")
            if (count, processes) not in cad:
                write(f"   {'CAD':<7}{count:>9}{processes:>6}  skipped: several server processes need "
                      "REDIS_URL (their channel layer)")
                continue
            d, posted = cad[(count, processes)], self.results.posts[(count, processes)]
            ratio = d.p(0.99) / b.p(0.99) if b.latencies and d.latencies else float("nan")
            answer = percentile(posted.answers, 0.5) if posted.answers else float("nan")
            spread = self.results.spread[(count, processes)]
            write(f"   {'CAD':<7}{count:>9}{processes:>6}{d.p(0.5):>9.1f}{d.p(0.99):>9.1f}{d.p(1):>9.1f}"
                  f"{d.reach:>8.3f}{ratio:>10.1f}{answer:>9.1f}  "
                  f"{len(posted.sent)} ok, {posted.failed} failed"
                  f"{f', {posted.not_sent} not sent (posters awaiting answers)' if posted.not_sent else ''}"
                  f"{'; consoles per process ' + '/'.join(map(str, spread)) if len(spread) > 1 else ''}"
                  f"{self._troubles(d)}")

    @staticmethod
    def _troubles(d: Delivery) -> str:
        said = [f"{d.dropped} consoles closed by the server"] if d.dropped else []
        said += [f"{d.duplicates} duplicate deliveries"] if d.duplicates else []
        return "; " + ", ".join(said) if said else ""

    def burst_idle_sustained(self) -> None:
        """b, d and c on one server process: consoles all at once, then idle, then 100 calls a second."""
        scale, write, count = self.scale, self.write, self.scale.consoles
        server = self.serve(1)
        try:
            time.sleep(1)
            rss_before = server.rss_kb()
            offset = server.log_offset()
            write(f"  CAD, {count} consoles connecting at once ...")
            connected = self.results.burst = self.connect(server, count, None)
            time.sleep(0.5)
            self.results.burst_problems = server.problems(offset)
            write(f"b. Burst: {count} consoles at once on 1 server process: all snapshots in "
                  f"{connected.seconds:.2f} s; {connected.opened} connected, {connected.failed} failed"
                  f"{' ' + str(dict(connected.errors)) if connected.errors else ''}; server log: "
                  f"{self.results.burst_problems} ERROR/Traceback lines")
            time.sleep(2)
            rss_after = server.rss_kb()
            cpu_before, at = server.cpu_seconds(), time.monotonic()
            time.sleep(scale.idle_seconds)
            cpu = (server.cpu_seconds() - cpu_before) / (time.monotonic() - at) * 100
            per_console = (rss_after - rss_before) / max(1, connected.opened)
            self.results.idle_kib_a_console, self.results.idle_cpu_percent = per_console, cpu
            write(f"d. Idle cost, {connected.opened} idle consoles: server RSS {rss_before / 1024:.0f} MiB "
                  f"before, {rss_after / 1024:.0f} MiB after: {per_console:.1f} KiB a console; "
                  f"CPU {cpu:.1f} % of one core over {scale.idle_seconds:g} s")
            write(f"  CAD, {scale.sustained_rate:g} calls/s for {scale.sustained_seconds:g} s to {count} "
                  "consoles ...")
            offset = server.log_offset()
            cpu_before, at = server.cpu_seconds(), time.monotonic()
            delivery, posted = self.deliver(count, lambda: post_calls(
                server.url, self.token, int(scale.sustained_rate * scale.sustained_seconds),
                scale.sustained_rate, scale.posting_threads))
            cpu = (server.cpu_seconds() - cpu_before) / (time.monotonic() - at) * 100
            self.results.sustained = delivery, posted
            write(f"c. Sustained, {scale.sustained_rate:g} calls/s asked for {scale.sustained_seconds:g} s "
                  f"({scale.posting_threads} posting threads), {count} consoles on 1 server process: "
                  f"{posted.said()}; reach {delivery.reach:.3f}, p50 {delivery.p(0.5):.0f} ms, "
                  f"p99 {delivery.p(0.99):.0f} ms, max {delivery.p(1):.0f} ms{self._troubles(delivery)}; "
                  f"server CPU {cpu:.0f} % of one core; "
                  f"server log: {server.problems(offset)} ERROR/Traceback lines")
            bare = self.results.bare_sustained
            if bare is not None:
                write(f"   beside it, the bare broadcast server at the same rate to as many consoles (in "
                      f"this run, on these cores): reach {bare.reach:.3f}, p50 {bare.p(0.5):.0f} ms, "
                      f"p99 {bare.p(0.99):.0f} ms{self._troubles(bare)}")
        finally:
            self.consoles.close()
            server.stop()

    def redis_restarted(self) -> None:
        """e: the bench's own Redis killed for a moment under the consoles and calls at 10 a second."""
        scale, write, count = self.scale, self.write, self.scale.consoles
        redis = PrivateRedis()
        redis.start()
        back: dict[str, float] = {}

        def restart() -> None:
            redis.start()
            back["at"] = time.time()

        server = self.serve(1, REDIS_URL=redis.url)
        try:
            write(f"  CAD, Redis killed for {scale.redis_down_seconds:g} s under {count} consoles ...")
            self.connect(server, count, scale.connect_rate)
            offset = server.log_offset()
            calls = int(scale.rate * (1 + scale.redis_down_seconds + 3))  # 3 s of calls after it is back
            delivery, posted = self.deliver(count, lambda: post_calls(
                server.url, self.token, calls, scale.rate, scale.posting_threads,
                on_time={1.0: redis.stop, 1.0 + scale.redis_down_seconds: restart}))
            arrivals, _ = self.consoles.arrivals()
            before_back = [n for n, at in posted.sent.items() if at < back["at"]]
            held = all(len(arrivals.get(n, ())) >= count for n in before_back)
            latest = max(max(arrivals[n]) for n in before_back) if held and before_back else None
            self.results.redis = delivery, posted
            self.results.converged_seconds = max(0.0, latest - back["at"]) if latest is not None else None
            converged = (f"{max(0.0, latest - back['at']):.2f} s after it was back" if latest is not None
                         else f"NOT within {DEADLINE:g} s")
            write(f"e. Redis killed for {scale.redis_down_seconds:g} s, calls at {scale.rate:g}/s, "
                  f"{count} consoles: {posted.said()}; every console held every call made before Redis was "
                  f"back {converged}; reach of all the calls {delivery.reach:.3f}, "
                  f"p99 {delivery.p(0.99):.0f} ms"
                  f"{self._troubles(delivery)}; server log: {server.problems(offset)} ERROR/Traceback lines")
        finally:
            self.consoles.close()
            server.stop()
            redis.stop()
