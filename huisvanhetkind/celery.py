import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huisvanhetkind.settings")


class ScopesDisabledTask(Task):
    """Every task runs with the scopes disabled: background work acts for the whole network (a reminder
    scan reads every partner's registrations). Entered here once, also for tasks run eagerly inside a
    request, whose scope would otherwise leak into the task."""

    def __call__(self, *args, **kwargs):
        from huisvanhetkind.lib.scoping import scopes_disabled

        with scopes_disabled():
            return super().__call__(*args, **kwargs)


app = Celery("huisvanhetkind", task_cls=ScopesDisabledTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
