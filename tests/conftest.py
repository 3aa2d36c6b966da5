"""Shared fixtures: the people of the network (alice and bob at partner A, charlie at partner B, a
municipality user, a coordinator) and switches for tests that need PostgreSQL, Redis or Chromium.

With REQUIRE_SERVICES=1 (CI) a test that needs a missing service fails instead of skipping.
"""

import contextlib
import os
import shutil

import pytest
from django.db import connection

from partners.models import Lidmaatschap
from tests import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _english_ui_strings():
    """Tests assert on the English msgids, whatever language a page is served in: the project's own
    catalogues are left out. Tests of the translations themselves ask for `translations`."""
    from django.test.utils import override_settings

    with override_settings(LOCALE_PATHS=[]):
        yield


@pytest.fixture
def translations(settings):
    """The project's real nl-be, en and fr catalogues, for tests of what a parent reads in each language."""
    from django.conf import settings as django_settings

    settings.LOCALE_PATHS = [django_settings.BASE_DIR / "locale"]
    return settings


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /en/ or /fr/ leaves its language active in the test's thread; start every test from
    the default language, so reverse() and gettext do not depend on the test that ran before."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tasks run in-process unless a test asks for a real worker."""
    from huisvanhetkind.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(scope="session", autouse=True)
def _scopes_disabled():
    """Test code (and module fixtures) read and write every partner's rows; a request made with the test
    client still runs inside the scope the middleware enters. Tests of the scoping itself ask for
    `scopes_enabled`."""
    from huisvanhetkind.lib.scoping import scopes_disabled

    with scopes_disabled():
        yield


@pytest.fixture
def scopes_enabled():
    """Scopes on and none entered, as in production: a scoped query outside `scope()` raises."""
    from huisvanhetkind.lib.scoping import scope

    with scope():
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    # A fault test may point the cache at a dead Redis.
    with contextlib.suppress(Exception):
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2's rounds cost about a second per factory user on a busy machine; MD5 is fine in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _reload_reference_data() -> None:
    """Put back what the data migrations load (gemeenten, themas, talen, the coordinators' group).

    When the test database was serialized at creation (some test uses serialized_rollback), restore
    exactly that snapshot, with its primary keys, so that a later serialized restore finds the same rows
    and does not collide on content types; otherwise run the data migrations' loaders again."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from partners.models import Gemeente

    group_migration = importlib.import_module("partners.migrations.0003_coordinatoren_group")
    if Gemeente.objects.exists() and Group.objects.filter(name=group_migration.GROUP).exists():
        return
    ContentType.objects.clear_cache()
    snapshot = getattr(connection, "_test_serialized_contents", None)
    if snapshot:
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(snapshot)
        ContentType.objects.clear_cache()
        return
    if not ContentType.objects.exists():
        from django.core.management.sql import emit_post_migrate_signal

        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    for module in ("partners.migrations.0002_gemeenten", "aanbod.migrations.0003_referentiedata"):
        importlib.import_module(module).load(apps, None)
    group_migration.assign_permissions(Group, Permission)
    importlib.import_module("aanbod.uitwisseling.migrations.0002_coordinator_permissions").grant(
        Group, Permission
    )
    for name in ("0002_coordinator_permissions", "0005_spelotheekregels"):  # added to the group, not set
        importlib.import_module(f"aanbod.spelotheek.migrations.{name}").add_permissions(apps, None)
    importlib.import_module("aanbod.migrations.0014_reeks_coordinator_permissions").grant(Group, Permission)
    importlib.import_module("aanbod.migrations.0017_aanwezigheid_coordinator_permissions").grant(
        Group, Permission
    )


def _is_transactional(item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush that empties every table, also the reference data that
    migrations loaded; once all its fixtures are torn down (the flush is pytest-django's last step), put
    that data back, so the tests after it see the same database as the ones before."""
    result = yield
    # After the session's last test the test database is already gone (nothing left to restore).
    if _is_transactional(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _reload_reference_data()
    return result


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    return connection


@pytest.fixture
def redis_url(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        missing("needs Redis: set REDIS_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        missing(f"Redis at {url} is not reachable")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        missing("needs Debian's chromium at /usr/bin/chromium")
    return path


@pytest.fixture
def partner_a(db):
    return factories.PartnerFactory(naam="Opvoedingswinkel A")


@pytest.fixture
def partner_b(db):
    return factories.PartnerFactory(naam="Spelotheek B")


@pytest.fixture
def alice(partner_a):
    """A beheerder of partner A."""
    user = factories.UserFactory(email="alice@example.org", naam="Alice")
    factories.LidmaatschapFactory(user=user, partner=partner_a, rol=Lidmaatschap.Rol.BEHEERDER)
    return user


@pytest.fixture
def bob(partner_a):
    """A medewerker of partner A."""
    user = factories.UserFactory(email="bob@example.org", naam="Bob")
    factories.LidmaatschapFactory(user=user, partner=partner_a, rol=Lidmaatschap.Rol.MEDEWERKER)
    return user


@pytest.fixture
def charlie(partner_b):
    """A member of partner B: the outsider for everything of partner A."""
    user = factories.UserFactory(email="charlie@example.org", naam="Charlie")
    factories.LidmaatschapFactory(user=user, partner=partner_b, rol=Lidmaatschap.Rol.BEHEERDER)
    return user


@pytest.fixture
def gemeente_a(db):
    from partners.models import Gemeente

    return Gemeente.objects.get(nis="44021")  # Gent


@pytest.fixture
def gemeente_b(db):
    from partners.models import Gemeente

    return Gemeente.objects.get(nis="11002")  # Antwerpen


@pytest.fixture
def dora(gemeente_a):
    """Municipality staff with access to gemeente A's reports."""
    user = factories.UserFactory(email="dora@gent.example", naam="Dora")
    factories.GemeentetoegangFactory(user=user, gemeente=gemeente_a)
    return user


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory(email="coordinator@example.org", naam="Cora")


@pytest.fixture
def superuser(db):
    return factories.UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
