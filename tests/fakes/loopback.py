"""An aiohttp application served on a free loopback port, for the model-API fakes."""

from __future__ import annotations

from typing import Self

from aiohttp import web


class LoopbackServer:
    """Serves the routes `add_routes` declares from `start()` (or `async with`) until `close()`.

    `url` is the base URL a client is given: the server's address followed by `url_path`.
    """

    url_path = ""
    url: str = ""
    _runner: web.AppRunner | None = None

    def add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> str:
        """Serve on a free loopback port; the base URL to give the SDK."""
        app = web.Application()
        self.add_routes(app)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}{self.url_path}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
