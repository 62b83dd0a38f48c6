"""Who may talk to the lab, checked before any route runs (an ASGI middleware).

* Host must be a local name (127.0.0.1, localhost, [::1]) or the address the lab was bound to:
  a DNS-rebinding page (evil.example resolving to 127.0.0.1) sends its own name and is refused,
  as Jupyter Server, Vite and webpack-dev-server refuse it.
* A WebSocket's Origin, when the browser sends one, must be this Host: another site open in the
  browser may not drive the lab.
* When the lab listens beyond loopback, every request needs the launch's token, from the printed
  link's `?token=` (then kept in an HttpOnly cookie) as Jupyter does.
* Pages carry a Content-Security-Policy (nothing but this server's scripts and sockets, no
  framing), `X-Content-Type-Options: nosniff` and no Referer (it would leak the token).
"""

import ipaddress
import re
import secrets
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.websockets import WebSocket

LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
POLICY_VIOLATION = 1008  # RFC 6455


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the lab on this machine."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind: str) -> frozenset[str] | None:
    """The Host names the lab answers when bound to `bind`; None (any) for a wildcard bind,
    whose clients may name the machine as they like: the token protects it then."""
    if bind in WILDCARDS:
        return None
    return LOCAL_NAMES | {bind.strip("[]").lower()}


class Guard:
    """ASGI middleware: refuses what the module docstring lists, adds the pages' headers."""

    def __init__(self, app, *, hosts: frozenset[str] | None, token: str | None):
        self.app, self.hosts, self.token = app, hosts, token

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal and scope["type"] == "websocket":
            await WebSocket(scope, receive, send).close(code=POLICY_VIOLATION, reason=refusal)
        elif refusal:
            await PlainTextResponse(refusal, status_code=403)(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, self._with_headers(scope, headers, send))

    def _refusal(self, scope, headers: Headers) -> str | None:
        host = headers.get("host", "")
        if self.hosts is not None and _host_name(host) not in self.hosts:
            return (f"Host: expected one of {', '.join(sorted(self.hosts))}; got "
                    f"{host[:80] or 'none'!r}")
        origin = headers.get("origin")
        if scope["type"] == "websocket" and origin is not None and \
                urlsplit(origin).netloc != host:
            return f"Origin: expected http://{host[:80]}; got {origin[:80]!r}"
        given = _token(scope, headers)
        if self.token is not None and not secrets.compare_digest(given or "", self.token):
            return ("token: expected the one in the link `profond lab` printed (…/?token=…); "
                    f"got {'another' if given else 'none'}")
        return None

    def _with_headers(self, scope, headers: Headers, send):
        host = headers.get("host", "")
        extra = [
            (b"content-security-policy", (
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "
                f"connect-src 'self' ws://{host} wss://{host}; object-src 'none'; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'").encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if self.token is not None and _query_token(scope) == self.token:
            extra.append((b"set-cookie", f"{_cookie(scope)}={self.token}; Path=/; HttpOnly; "
                                         "SameSite=Strict".encode()))

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)
        return send_with_headers


def _host_name(host: str) -> str | None:
    """The name in a Host header (`name`, `name:port`, `[v6]:port`), lower case; None when the
    header is anything else (a user part, a path, two ports)."""
    match = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+)(:\d{1,5})?", host)
    return match.group(1).strip("[]").lower() if match else None


def _cookie(scope) -> str:
    """One cookie per port: two labs on one machine keep their own tokens."""
    return f"profond-lab-token-{(scope.get('server') or ('', 0))[1]}"


def _query_token(scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


def _token(scope, headers: Headers) -> str | None:
    """The token from the query, else from this port's cookie."""
    if (token := _query_token(scope)) is not None:
        return token
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == _cookie(scope):
            return value
    return None
