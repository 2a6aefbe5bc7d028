"""The Celery app: tasks live in each app's tasks.py; the database, not the broker, is the source of truth."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hwaas_portal.settings")

app = Celery("hwaas_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
