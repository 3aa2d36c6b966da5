"""`VolgendeStart`: each aanbod's next start, kept by PostgreSQL itself, for the "soonest activity" order.

The wegwijzer's "soonest activity" order looked up every matching aanbod's first coming activity (5,000
index probes at the benchmark's size); with the stored start it reads the covering index of aanbod
(index-only) and this narrow table. Triggers keep it current whatever writes the activities — services,
the admin, an import, a bulk `update(geannuleerd=True)`, a series cancelled, deletes, `bulk_create`,
TRUNCATE — so no write path can forget it:

- PostgreSQL: statement-level triggers on `aanbod_activiteit` (INSERT, UPDATE, DELETE, with transition
  tables) recompute the start of the aanbod the statement touched, only where a written row could change
  it (a not-cancelled activity from now on, before or after the write); a row is written only when its
  value changes, and deleted when there is no next start.
- SQLite (`make run`, the tests' default): no triggers, the table stays empty, and the order is the exact
  lookup per aanbod, as before (a few hundred aanbod there). Not row-level triggers: they would name
  aanbod_activiteit, and Django remakes a SQLite table for most schema changes (AlterField, a
  CheckConstraint, ...) by dropping it and renaming a copy, which SQLite (legacy_alter_table off, as Django
  sets it) refuses while a trigger names the dropped table ("error in trigger ...: no such table"): every
  later migration of activiteit would fail on SQLite. Correctness over speed there, as for the search
  vector (0005).

Why a table and not a column of aanbod: an aanbod row is wide (its search document) and has some fifteen
indexes (three GIN); a changed value in the covering index makes every rewrite a non-HOT update of all of
them (~0.7 ms a row, a bulk fill of 50,000 activities 40% slower), and each would also run the row
triggers of aanbod (the search vector's) and advance the wegwijzer's data version. A row here costs
microseconds. The order joins it to the covering index of aanbod (a hash join of a few thousand narrow
rows) and still reads no aanbod row.

The value is relative to the moment it was written ("from now on": the statement's start,
`statement_timestamp()`, not the transaction's, so that a long import or a test's transaction does not
write values stale from the outset); once that activity starts it is stale.
`AanbodQuerySet.met_volgende_start()` reads it exactly (a stale value falls back to the lookup), and the
beat task `aanbod.refresh_volgende_start` (`hvhk_volgende_start_set` on the stale rows) keeps them few.
"""

import django.db.models.deletion
from django.db import migrations, models

from huisvanhetkind.lib.schema import PostgresOnlySQL

FORWARD = [
    r"""
CREATE OR REPLACE FUNCTION hvhk_volgende_start(p_aanbod_id bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT min(start) FROM aanbod_activiteit
   WHERE aanbod_id = p_aanbod_id AND geannuleerd = false AND start >= statement_timestamp()
$$;
""",
    # Puts the truth in place for these aanbod: a row where there is a next start (written only when it
    # changes), none where there is not. Returns how many rows it wrote or deleted.
    r"""
CREATE OR REPLACE FUNCTION hvhk_volgende_start_set(ids bigint[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  changed integer;
BEGIN
  -- One writer per aanbod at a time, and the truth read after the lock (a statement of its own, so with a
  -- snapshot of its own under READ COMMITTED): two transactions that write activities of one aanbod at
  -- once would otherwise each compute without the other's activity, and the later commit could store
  -- a start later than the true one. A row lock (not an advisory lock: a bulk write touches thousands of
  -- aanbod, more than the lock table holds); KEY SHARE, what inserting an activity takes, is not blocked.
  PERFORM 1 FROM aanbod_aanbod WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
  WITH truth AS (
    SELECT id AS aanbod_id, hvhk_volgende_start(id) AS start FROM (SELECT DISTINCT unnest(ids) AS id) AS touched
  ), gone AS (
    DELETE FROM aanbod_volgendestart v USING truth t
     WHERE v.aanbod_id = t.aanbod_id AND t.start IS NULL
    RETURNING 1
  ), put AS (
    INSERT INTO aanbod_volgendestart AS v (aanbod_id, start)
    SELECT t.aanbod_id, t.start FROM truth t WHERE t.start IS NOT NULL
    ON CONFLICT (aanbod_id) DO UPDATE SET start = EXCLUDED.start WHERE v.start IS DISTINCT FROM EXCLUDED.start
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM put) INTO changed;
  RETURN changed;
END $$;
""",
    r"""
CREATE OR REPLACE FUNCTION hvhk_activiteit_volgende_start_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  -- Only a not-cancelled activity from now on can be (or have been) an aanbod's next start.
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
    PERFORM hvhk_volgende_start_set(ids);
  END IF;
  RETURN NULL;
END $$;
""",
    r"""
CREATE OR REPLACE FUNCTION hvhk_activiteit_volgende_start_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM aanbod_volgendestart;
  RETURN NULL;
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
    """
CREATE TRIGGER activiteit_volgende_start_truncate
  AFTER TRUNCATE ON aanbod_activiteit
  FOR EACH STATEMENT EXECUTE FUNCTION hvhk_activiteit_volgende_start_truncate();
""",
    # What is there already.
    "SELECT hvhk_volgende_start_set(ARRAY(SELECT DISTINCT aanbod_id FROM aanbod_activiteit));",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS activiteit_volgende_start_truncate ON aanbod_activiteit;",
    "DROP TRIGGER IF EXISTS activiteit_volgende_start_delete ON aanbod_activiteit;",
    "DROP TRIGGER IF EXISTS activiteit_volgende_start_update ON aanbod_activiteit;",
    "DROP TRIGGER IF EXISTS activiteit_volgende_start_insert ON aanbod_activiteit;",
    "DROP FUNCTION IF EXISTS hvhk_activiteit_volgende_start_truncate();",
    "DROP FUNCTION IF EXISTS hvhk_activiteit_volgende_start_trigger();",
    "DROP FUNCTION IF EXISTS hvhk_volgende_start_set(bigint[]);",
    "DROP FUNCTION IF EXISTS hvhk_volgende_start(bigint);",
]


class Migration(migrations.Migration):
    dependencies = [("aanbod", "0019_wegwijzer_covering_index")]

    operations = [
        migrations.CreateModel(
            name="VolgendeStart",
            fields=[
                (
                    "aanbod",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="volgende_start",
                        serialize=False,
                        to="aanbod.aanbod",
                    ),
                ),
                ("start", models.DateTimeField(verbose_name="start")),
            ],
            options={"verbose_name": "next start", "verbose_name_plural": "next starts"},
        ),
        PostgresOnlySQL(FORWARD, BACKWARD),
    ]
