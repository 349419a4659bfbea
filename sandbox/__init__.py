"""A fake Telegram Bot API server over real HTTP, for tests, the demo and benchmarks."""

from sandbox.server import Sandbox, image_bytes

__all__ = ["Sandbox", "image_bytes"]
