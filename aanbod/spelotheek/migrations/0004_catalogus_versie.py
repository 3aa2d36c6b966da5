"""The toy catalogue shares the wegwijzer's data version (aanbod/0008): every write to the toys or their
partner advances `hvhk_wegwijzer_versie`, so a cached catalogue page is never served after a toy changed.
PostgreSQL only, like the version itself."""

from django.db import migrations

from huisvanhetkind.lib.schema import PostgresOnlySQL

FORWARD = """
CREATE TRIGGER spelotheek_speelgoed_wegwijzer_versie
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON spelotheek_speelgoed
  FOR EACH STATEMENT EXECUTE FUNCTION hvhk_bump_wegwijzer_versie();
"""
BACKWARD = "DROP TRIGGER IF EXISTS spelotheek_speelgoed_wegwijzer_versie ON spelotheek_speelgoed;"


class Migration(migrations.Migration):
    dependencies = [
        ("spelotheek", "0003_speelgoed_import"),
        ("aanbod", "0008_wegwijzer_versie"),
    ]

    operations = [PostgresOnlySQL(FORWARD, BACKWARD)]
