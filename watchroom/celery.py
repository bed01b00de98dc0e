"""The Celery app of camera-health probe workers, one queue per campus (issue 6, EQP-4, INC-9).

A campus runs its probe worker inside its own camera network:

    WATCHROOM_BROKER_URL=redis://redis.example:6379/0 \\
        celery -A watchroom worker -Q probes.<campus code> --pool threads --concurrency 20

The worker needs neither the database nor Django: its one task (`health.probe`,
`watchroom/health/celery_tasks.py`) runs the pure probe (`watchroom.health.probe.run`) and returns a
JSON result. The web/DB side (`watchroom sweep`, `watchroom runprobes`, the periodic jobs) sends
the probes with `WATCHROOM_BROKER_URL` set, gathers the results through the same Redis and records
them (`watchroom.health.remote`).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

# every probe message and result is JSON; results expire after an hour (the sender forgets them as
# soon as it has read them)
CONFIG: dict[str, Any] = {
    "task_serializer": "json",
    "result_serializer": "json",
    "accept_content": ["json"],
    "result_expires": 3600,
    "task_default_queue": "probes.default",
    "worker_prefetch_multiplier": 4,
    "broker_connection_retry_on_startup": True,
    "worker_hijack_root_logger": False,
    "enable_utc": True,
    "timezone": "Asia/Shanghai",
}


def make_app(broker_url: str, *, main: str = "watchroom") -> Celery:
    """A Celery app on `broker_url` (Redis also stores the results); `memory://` when empty."""
    url = broker_url or "memory://"
    backend = url if url.startswith(("redis://", "rediss://", "unix://")) else "cache+memory://"
    app = Celery(main, include=["watchroom.health.celery_tasks"])
    app.conf.update(CONFIG, broker_url=url, result_backend=backend)
    return app


app = make_app(os.environ.get("WATCHROOM_BROKER_URL", ""))
