import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huisvanhetkind.settings")


# Every task runs with the scopes disabled (huisvanhetkind.lib.queue.BackgroundTask).
app = Celery("huisvanhetkind", task_cls="huisvanhetkind.lib.queue:BackgroundTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
