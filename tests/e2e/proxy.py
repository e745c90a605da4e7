"""A TCP proxy between one browser and the server, whose cable the test can pull and plug back."""

import contextlib
import socket
import threading

from cad.stream_scale.processes import free_port


class CuttableProxy:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.connected = threading.Event()
        self.connected.set()
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Drop every open connection (websockets included) and refuse new ones."""
        self.connected.clear()
        with self.lock:
            for sock in self.sockets:
                _hang_up(sock)
            self.sockets.clear()

    def restore(self) -> None:
        self.connected.set()

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.connected.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update({client, upstream})
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _hang_up(sock)
            with self.lock:
                self.sockets.discard(source)
                self.sockets.discard(sink)


def _hang_up(sock: socket.socket) -> None:
    """Shut down, then close: a bare close() while another thread is blocked reading the socket
    leaves the connection open (the kernel keeps it for that read), and the browser never hears."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
