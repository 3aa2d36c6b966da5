"""Series share the wegwijzer's data version (aanbod/0008): a write to `aanbod_reeks` (its capacity, its
deadline, a cancellation, a title) advances `hvhk_wegwijzer_versie`, so the page cache and the ETags of the
aanbod page and the agenda never serve a series as it was. PostgreSQL only, like the version itself."""

from django.db import migrations

from huisvanhetkind.lib.schema import PostgresOnlySQL

FORWARD = """
CREATE TRIGGER aanbod_reeks_wegwijzer_versie
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON aanbod_reeks
  FOR EACH STATEMENT EXECUTE FUNCTION hvhk_bump_wegwijzer_versie();
"""
BACKWARD = "DROP TRIGGER IF EXISTS aanbod_reeks_wegwijzer_versie ON aanbod_reeks;"


class Migration(migrations.Migration):
    dependencies = [("aanbod", "0015_inschrijfregels_postcode_aanwezigheid")]

    operations = [PostgresOnlySQL(FORWARD, BACKWARD)]
