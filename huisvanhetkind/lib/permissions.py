"""The coordinators' group permissions that a migration grants (the group itself: partners/migrations/0003).

One definition for every app's "coordinators may manage X in the admin" migration: a migration says which
actions on which of its models, and runs `forwards`; the tests call `grant` on their fresh database.
"""

from django.contrib.auth.management import create_permissions

COORDINATOR_GROUP = "Coördinatoren"
ALL = ("add", "change", "delete", "view")


class CoordinatorPermissions:
    def __init__(self, app_label: str, permissions: dict[str, tuple[str, ...]]):
        self.app_label = app_label
        self.permissions = permissions

    def grant(self, Group, Permission) -> None:
        """Add these permissions to the coordinators' group (idempotent)."""
        group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
        group.permissions.add(
            *[
                Permission.objects.get(content_type__app_label=self.app_label, codename=f"{action}_{model}")
                for model, actions in self.permissions.items()
                for action in actions
            ]
        )

    def forwards(self, apps, schema_editor) -> None:
        """RunPython: create the app's permissions now (Django would only after the last migration), then
        grant them."""
        app_config = apps.get_app_config(self.app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        self.grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
