"""A TCP proxy on 127.0.0.1 in front of PostgreSQL that tests can break on purpose.

- ``cut()`` drops every open connection and refuses new ones, as a stopped server would;
  ``restore()`` lets connections through again.
- ``freeze_on(pattern)`` holds a connection's client-to-server traffic from the moment a
  statement containing ``pattern`` is sent, so a test can act while a transaction is
  half done (``frozen`` is set then); ``thaw()`` lets it go on.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._down = False
        self._pattern: bytes | None = None
        self.frozen = threading.Event()
        self._thawed = threading.Event()
        self._thawed.set()
        self._stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url_for(self, url: str) -> str:
        """``url`` (a PostgreSQL SQLAlchemy URL) with its host and port replaced by the proxy."""
        from sqlalchemy.engine import make_url

        return (
            make_url(url)
            .set(host="127.0.0.1", port=self.port)
            .render_as_string(hide_password=False)
        )

    def cut(self) -> None:
        with self._lock:
            self._down = True
            sockets = list(self._open)
            self._open.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def restore(self) -> None:
        with self._lock:
            self._down = False

    def freeze_on(self, pattern: bytes) -> None:
        self.frozen.clear()
        self._thawed.clear()
        self._pattern = pattern

    def thaw(self) -> None:
        self._pattern = None
        self._thawed.set()

    def stop(self) -> None:
        self._stopping = True
        self.thaw()
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                refused = self._down
            if refused:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, server))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, outgoing: bool) -> None:
        tail = b""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                pattern = self._pattern
                if outgoing and pattern is not None and pattern in tail + data:
                    self.frozen.set()
                    self._thawed.wait()
                if outgoing and pattern is not None:
                    tail = (tail + data)[-len(pattern) :]
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
                with self._lock:
                    self._open.discard(sock)
