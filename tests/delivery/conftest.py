"""The delivery tests' bot with an outbox (tests/delivery/paced_bot.py)."""

from tests.delivery.paced_bot import make_bot

__all__ = ["make_bot"]
