"""`Aanbod.volgende_start`, kept by the database itself, and in the wegwijzer's covering index.

The wegwijzer's "soonest activity" order looked up every matching aanbod's first coming activity (5,000
index probes at the benchmark's size); the stored start turns the order into an index-only scan of
`aanbod_wegwijzer_idx`. Triggers keep it current whatever writes the activities — services, the admin,
an import, a bulk `update(geannuleerd=True)`, a series cancelled, deletes, `bulk_create` — so no write
path can forget it:

- PostgreSQL: statement-level triggers on `aanbod_activiteit` (INSERT, UPDATE, DELETE, with transition
  tables) recompute it for the aanbod the statement touched, only where a written row could change it (a
  not-cancelled activity from now on, before or after), and UPDATE only rows whose value changes. A
  BEFORE INSERT/UPDATE row trigger on `aanbod_aanbod` puts the truth in place of any other value written
  (an ORM `save()` writes back the value it loaded, which an activity written since may have changed).
- SQLite (`make run`, the tests' default): no triggers, and the column stays empty; the order there is the
  exact lookup per aanbod, as before (a few hundred aanbod). Not row-level triggers: they would join the two
  tables, and Django remakes a SQLite table for most schema changes (AlterField, a CheckConstraint, ...)
  by dropping it and renaming a copy, which SQLite (legacy_alter_table off, as Django sets it) refuses
  while a trigger names the dropped table ("error in trigger ...: no such table") — every later migration
  of aanbod or activiteit would fail on SQLite. Correctness over speed there; the same choice as the
  search vector's (0005).

The value is relative to the moment it was written ("from now on": the statement's start,
`statement_timestamp()`, not the transaction's, so that a long import or a test's transaction does not
write values stale from the outset): once that activity starts it is stale.
`AanbodQuerySet.met_volgende_start()` reads it exactly (a stale value falls back to the lookup), and the
beat task `aanbod.refresh_volgende_start` rewrites stale values so that they stay few.

The search vector's trigger (0005) recomputed the document on every UPDATE of an aanbod; it now keeps the
vector when none of the document's columns changed and the vector was not written (set to NULL to ask for
a recomputation, as the themas' and partners' triggers do): otherwise every activity written would
rebuild the search document of its aanbod.
"""

from django.db import migrations, models

# ---- PostgreSQL ----------------------------------------------------------------------------------
PG_FORWARD = [
    r"""
CREATE OR REPLACE FUNCTION hvhk_volgende_start(p_aanbod_id bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT min(start) FROM aanbod_activiteit
   WHERE aanbod_id = p_aanbod_id AND geannuleerd = false AND start >= statement_timestamp()
$$;
""",
    r"""
CREATE OR REPLACE FUNCTION hvhk_activiteit_volgende_start_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  -- Only a not-cancelled activity from now on can be (or have been) an aanbod's volgende_start.
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT n.aanbod_id) INTO ids
      FROM nieuw n WHERE n.geannuleerd = false AND n.start >= statement_timestamp();
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT o.aanbod_id) INTO ids
      FROM oud o WHERE o.geannuleerd = false AND o.start >= statement_timestamp();
  ELSE
    SELECT array_agg(DISTINCT x.aanbod_id) INTO ids
      FROM nieuw n JOIN oud o ON o.id = n.id
     CROSS JOIN LATERAL (VALUES (o.aanbod_id, o.geannuleerd, o.start),
                                (n.aanbod_id, n.geannuleerd, n.start)) AS x (aanbod_id, geannuleerd, start)
     WHERE (n.aanbod_id, n.geannuleerd, n.start) IS DISTINCT FROM (o.aanbod_id, o.geannuleerd, o.start)
       AND x.geannuleerd = false AND x.start >= statement_timestamp();
  END IF;
  IF ids IS NOT NULL THEN
    UPDATE aanbod_aanbod a SET volgende_start = v.volgende_start
      FROM (SELECT id, hvhk_volgende_start(id) AS volgende_start FROM unnest(ids) AS id) v
     WHERE a.id = v.id AND a.volgende_start IS DISTINCT FROM v.volgende_start;
  END IF;
  RETURN NULL;
END $$;
""",
    r"""
CREATE OR REPLACE FUNCTION hvhk_aanbod_volgende_start_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.volgende_start := hvhk_volgende_start(NEW.id);
  RETURN NEW;
END $$;
""",
    """
CREATE TRIGGER activiteit_volgende_start_insert
  AFTER INSERT ON aanbod_activiteit REFERENCING NEW TABLE AS nieuw
  FOR EACH STATEMENT EXECUTE FUNCTION hvhk_activiteit_volgende_start_trigger();
""",
    """
CREATE TRIGGER activiteit_volgende_start_update
  AFTER UPDATE ON aanbod_activiteit REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw
  FOR EACH STATEMENT EXECUTE FUNCTION hvhk_activiteit_volgende_start_trigger();
""",
    """
CREATE TRIGGER activiteit_volgende_start_delete
  AFTER DELETE ON aanbod_activiteit REFERENCING OLD TABLE AS oud
  FOR EACH STATEMENT EXECUTE FUNCTION hvhk_activiteit_volgende_start_trigger();
""",
    # A new aanbod (its activities may come first in a transaction: the foreign keys are deferred), and
    # any value written by anyone but the triggers above: the truth instead.
    """
CREATE TRIGGER aanbod_volgende_start_insert
  BEFORE INSERT ON aanbod_aanbod
  FOR EACH ROW EXECUTE FUNCTION hvhk_aanbod_volgende_start_trigger();
""",
    """
CREATE TRIGGER aanbod_volgende_start_update
  BEFORE UPDATE ON aanbod_aanbod
  FOR EACH ROW WHEN (NEW.volgende_start IS DISTINCT FROM OLD.volgende_start)
  EXECUTE FUNCTION hvhk_aanbod_volgende_start_trigger();
""",
    r"""
CREATE OR REPLACE FUNCTION hvhk_aanbod_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Kept when the document's own columns are as they were and the vector was not written (NULL asks
  -- for a new one): a write of other columns (status, volgende_start, ...) leaves the document alone.
  IF TG_OP = 'UPDATE'
     AND NEW.search_vector IS NOT NULL
     AND NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector
     AND NEW.id = OLD.id
     AND NEW.partner_id IS NOT DISTINCT FROM OLD.partner_id
     AND NEW.titel IS NOT DISTINCT FROM OLD.titel
     AND NEW.samenvatting IS NOT DISTINCT FROM OLD.samenvatting
     AND NEW.beschrijving IS NOT DISTINCT FROM OLD.beschrijving THEN
    RETURN NEW;
  END IF;
  NEW.search_vector := hvhk_aanbod_search_vector(
    NEW.id, NEW.partner_id, NEW.titel, NEW.samenvatting, NEW.beschrijving);
  RETURN NEW;
END $$;
""",
    # What is there already (the triggers above put the truth in place of whatever is written).
    "UPDATE aanbod_aanbod SET volgende_start = hvhk_volgende_start(id) "
    "WHERE volgende_start IS DISTINCT FROM hvhk_volgende_start(id);",
]

PG_BACKWARD = [
    r"""
CREATE OR REPLACE FUNCTION hvhk_aanbod_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := hvhk_aanbod_search_vector(
    NEW.id, NEW.partner_id, NEW.titel, NEW.samenvatting, NEW.beschrijving);
  RETURN NEW;
END $$;
""",
    "DROP TRIGGER IF EXISTS aanbod_volgende_start_update ON aanbod_aanbod;",
    "DROP TRIGGER IF EXISTS aanbod_volgende_start_insert ON aanbod_aanbod;",
    "DROP TRIGGER IF EXISTS activiteit_volgende_start_delete ON aanbod_activiteit;",
    "DROP TRIGGER IF EXISTS activiteit_volgende_start_update ON aanbod_activiteit;",
    "DROP TRIGGER IF EXISTS activiteit_volgende_start_insert ON aanbod_activiteit;",
    "DROP FUNCTION IF EXISTS hvhk_aanbod_volgende_start_trigger();",
    "DROP FUNCTION IF EXISTS hvhk_activiteit_volgende_start_trigger();",
    "DROP FUNCTION IF EXISTS hvhk_volgende_start(bigint);",
]

class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on any database but PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0019_wegwijzer_covering_index"),
        ("partners", "0004_netwerk_translations_and_accessibility"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="aanbod", name="aanbod_wegwijzer_idx"),
        migrations.AddField(
            model_name="aanbod",
            name="volgende_start",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="next start"),
        ),
        PostgresOnlySQL(PG_FORWARD, PG_BACKWARD),
        migrations.AddIndex(
            model_name="aanbod",
            index=models.Index(
                condition=models.Q(("status", "gepubliceerd")),
                fields=["titel", "id"],
                include=(
                    "partner",
                    "soort",
                    "kosten",
                    "kansentarief",
                    "leeftijd_van",
                    "leeftijd_tot",
                    "aanstaande_ouders",
                    "volgende_start",
                ),
                name="aanbod_wegwijzer_idx",
            ),
        ),
    ]
