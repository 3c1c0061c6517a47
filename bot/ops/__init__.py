"""Running Mujaz as a service: health, metrics, alerts and webhooks (issue 13).

- `health.HealthWatch`: what the bot's loops last did; /healthz judges it (bot/core/health.py).
- `metrics.Metrics`: the Prometheus registry behind /metrics.
- `alerts.Alerts`: messages to ALERT_CHAT_ID, deduplicated and rate-limited.
- `server.OpsServer`: the aiohttp server on OPS_LISTEN: /healthz, /metrics and the webhook.
- `webhook`: setWebhook and the webhook runner (instead of long polling).

`Ops` bundles them; the Application holds it in `bot_data.ops` (`ops_of(app)`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.ops.health import HealthWatch
from bot.ops.metrics import Metrics

if TYPE_CHECKING:
    from bot.ops.alerts import Alerts
    from bot.ops.server import OpsServer


@dataclass
class Ops:
    health: HealthWatch = field(default_factory=HealthWatch)
    metrics: Metrics = field(default_factory=Metrics)
    alerts: Alerts | None = None  # built with the services, in post_init
    server: OpsServer | None = None  # when OPS_LISTEN is set
