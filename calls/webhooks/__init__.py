"""Webhooks for partner agencies: what a partner may see of the center's events (the live stream's
rule) posted to its endpoint, signed as Standard Webhooks says, sent by Celery after commit with
retries, listed for it in the API. The package has an app's rooms: models, services, selectors,
sending (the HTTP side), api, admin; its tasks are in calls/tasks.py."""
