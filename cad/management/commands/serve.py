"""`manage.py serve`: several daphne processes behind one address.

The parent binds the listening socket and hands it to each child (`daphne --fd`), so every process
accepts from the same queue and no proxy stands between them. Children are never restarted behind
anyone's back: when one dies the others are stopped and the command fails, for the service manager
(systemd, docker) to see and restart the whole.
"""

import ctypes
import resource
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PR_SET_PDEATHSIG = 1
STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Serve the CAD with N daphne processes sharing one listening socket (host:port)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--processes", type=int, default=settings.CAD_SERVER_PROCESSES,
                            help="daphne processes (default: CAD_SERVER_PROCESSES, else 1)")

    def handle(self, *args, host: str, port: int, processes: int, **options):
        if processes < 1:
            raise CommandError("--processes: give a whole number from 1.")
        listener = listen(host, port)
        raise_open_files()
        stopping: list[int] = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        children = [start_daphne(listener) for _ in range(processes)]
        listener.close()  # the children hold it; the parent never accepts
        self.stdout.write(f"Serving http://{host}:{port}/ with {processes} daphne process(es): pids "
                          f"{', '.join(str(c.pid) for c in children)} (Ctrl-C stops them)")
        self.stdout.flush()
        dead = None
        while not stopping and dead is None:
            dead = next((c for c in children if c.poll() is not None), None)
            time.sleep(0.2)
        if dead is not None:
            self.stderr.write(f"daphne process {dead.pid} exited with code {dead.returncode}; "
                              "stopping the others")
        terminate(children)
        if dead is not None:
            raise CommandError(f"daphne process {dead.pid} exited with code {dead.returncode}")


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror}") from error
    # A restarted server's consoles all come back at once; the kernel caps this at somaxconn.
    listener.listen(4096)
    listener.set_inheritable(True)
    return listener


def raise_open_files() -> None:
    """Each console holds a descriptor: a shell's default of 1,024 would refuse the thousandth. The
    children inherit the limit raised to what the system allows this user."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def start_daphne(listener: socket.socket) -> subprocess.Popen:
    fd = listener.fileno()
    endpoint = ["--fd", str(fd)] if listener.family == socket.AF_INET else \
        ["-e", f"fd:fileno={fd}:domain=INET6"]
    # Its own process group: a Ctrl-C reaches the children once, from the parent, not also from the
    # terminal; and a child is told to stop if the parent dies without telling it.
    return subprocess.Popen([sys.executable, "-m", "daphne", *endpoint, "cad.asgi:application"],
                            pass_fds=[fd], process_group=0, preexec_fn=_stop_with_parent)


def _stop_with_parent() -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def terminate(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
