"""A data version for the wegwijzer's page cache on PostgreSQL; a no-op elsewhere.

Every write to a table whose rows a public list page shows advances the sequence
`hvhk_wegwijzer_versie` (statement-level triggers, also on TRUNCATE). A cached page is keyed by this
number, so it is never served after the data under it changed. A sequence, not a counter row: `nextval`
takes no row lock, so concurrent registrations do not queue behind each other.
"""

from django.db import migrations

from huisvanhetkind.lib.schema import PostgresOnlySQL

TABLES = [
    "aanbod_aanbod",
    "aanbod_aanbod_themas",
    "aanbod_aanbod_gemeenten",
    "aanbod_aanbod_talen",
    "aanbod_aanbod_locaties",
    "aanbod_activiteit",
    "aanbod_inschrijving",
    "aanbod_openingsuur",
    "aanbod_locatie",
    "aanbod_thema",
    "aanbod_taal",
    "partners_partner",
    "partners_netwerk",
    "partners_netwerk_werkgebied",
    "partners_gemeente",
]

FORWARD = """
CREATE SEQUENCE IF NOT EXISTS hvhk_wegwijzer_versie;

CREATE OR REPLACE FUNCTION hvhk_bump_wegwijzer_versie() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('hvhk_wegwijzer_versie');
  RETURN NULL;
END $$;
""" + "".join(
    f"""
CREATE TRIGGER {table}_wegwijzer_versie
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION hvhk_bump_wegwijzer_versie();
"""
    for table in TABLES
)

BACKWARD = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_wegwijzer_versie ON {table};\n" for table in TABLES)
    + """
DROP FUNCTION IF EXISTS hvhk_bump_wegwijzer_versie();
DROP SEQUENCE IF EXISTS hvhk_wegwijzer_versie;
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0007_wegwijzer_indexes"),
        ("partners", "0003_coordinatoren_group"),
    ]

    operations = [PostgresOnlySQL(FORWARD, BACKWARD)]
