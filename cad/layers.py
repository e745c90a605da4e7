"""The channel layer, as channels-redis gives it, except that the stream's hub waiting for
messages survives Redis restarting: it waits and tries again instead of giving up."""

import asyncio
import logging

import redis.exceptions
from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0


class RedisChannelLayer(BaseRedisChannelLayer):
    # Counts the times Redis went away; a hub that joined the group before the last outage joins again
    # (a restarted Redis has forgotten its groups).
    outages = 0

    async def receive(self, channel):
        while True:
            try:
                return await super().receive(channel)
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    # The hub is stopping: a cancelled read can surface as a lost connection or a
                    # timeout (asyncio.timeout on Python 3.11); it is the cancel, not an outage.
                    raise asyncio.CancelledError from None
                self.outages += 1
                logger.warning("Redis unavailable; consoles follow the database until it returns")
                await asyncio.sleep(RETRY_SECONDS)
