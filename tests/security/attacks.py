"""The red team's attacks (reviews/red-team-2026-11-30.md) as reusable pieces for the security tests.

A local HTTP listener on 127.0.0.1 records every request a build makes, and a canary secret in the
environment must appear in no output: any request or any copy of the canary is a leak.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CANARY_NAME = "PF_CANARY_SECRET"
CANARY = "pf-canary-7f3e9a1c5b"
XSS = "alert('pf-xss')"


@dataclass
class Listener:
    """A local web server that records the paths requested from it."""

    port: int
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        """Return an outside-looking URL that lands on this listener."""
        return f"http://127.0.0.1:{self.port}/{path}"


@contextmanager
def listening() -> Iterator[Listener]:
    """Run a listener for the duration of a block."""
    recorded: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            recorded.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Listener(server.server_port, recorded)
    finally:
        server.shutdown()
        server.server_close()


def hostile_body(listener: Listener) -> str:
    """Return policy Markdown carrying every rendering attack of the review (H1, M1)."""
    return f"""
## 90. Attacks {{#attacks}}

**90.1** <script>{XSS}</script> The attachment <link rel="attachment" href="file:///proc/self/environ">
and [the passwords](file:///etc/passwd){{rel=attachment}} and [a script](javascript:document.cookie).

**90.2** <img src="{listener.url('img')}" onerror="{XSS}"> and
<span style="background: url({listener.url('css')})">styled</span>
<style>body {{ background: url({listener.url('style')}); }}</style>

**90.3** An image from outside: ![x]({listener.url('markdown-img')}).
"""


def files_containing(root: Path, needle: bytes) -> list[Path]:
    """Return every file under ``root`` (links not followed) whose bytes contain ``needle``."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and needle in path.read_bytes():
            found.append(path)
    return found


def pdf_secrets(pdf: bytes) -> list[str]:
    """Return what a PDF carries that a reader does not see: attachments and the canary in its text."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found = [f"attachment {name}" for name in reader.attachments]
    text = "".join(page.extract_text() or "" for page in reader.pages)
    if CANARY in text or CANARY.encode() in pdf:
        found.append("canary")
    return found
