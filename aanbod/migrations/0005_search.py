"""Full-text search for the wegwijzer on PostgreSQL; a no-op on SQLite (apart from the empty column).

Why a stored, trigger-maintained vector rather than one computed at query time: the document spans four
tables (aanbod, its themas in three languages, the partner's name), and a search over thousands of aanbod
must use a GIN index to stay within a few milliseconds. Triggers keep it current whatever writes the
rows — the admin, the partners' portal, an import, a raw UPDATE — so there is never a manual step:
- BEFORE INSERT/UPDATE on aanbod recomputes the row's own vector;
- changes to the aanbod↔thema links, to a thema's names or to a partner's name touch the affected aanbod
  rows (`SET search_vector = NULL`), which fires the first trigger.

The document is indexed twice: with `hvhk_dutch` (the `dutch` configuration plus accent folding, so that
`slapen` and `slaap` both become `slap` and `crèche` meets `creche`) and with `hvhk_simple` (unstemmed
words, for prefix matches inside Dutch compounds: `slaap:*` finds `slaapproblemen`). pg_trgm serves the
typo-tolerant fallback (`peuetr` → `peuter`). pg_trgm and unaccent are trusted extensions (PostgreSQL
13+), so a database owner without superuser rights can create them.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from huisvanhetkind.lib.schema import PostgresOnlySQL

FORWARD = r"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'hvhk_dutch') THEN
    CREATE TEXT SEARCH CONFIGURATION hvhk_dutch (COPY = pg_catalog.dutch);
    ALTER TEXT SEARCH CONFIGURATION hvhk_dutch
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'hvhk_simple') THEN
    CREATE TEXT SEARCH CONFIGURATION hvhk_simple (COPY = pg_catalog.simple);
    ALTER TEXT SEARCH CONFIGURATION hvhk_simple
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION hvhk_weighted(doc text, weight "char") RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT setweight(
    to_tsvector('hvhk_dutch', coalesce(doc, '')) || to_tsvector('hvhk_simple', coalesce(doc, '')),
    weight
  )
$$;

CREATE OR REPLACE FUNCTION hvhk_aanbod_search_vector(
  p_id bigint, p_partner_id bigint, p_titel text, p_samenvatting text, p_beschrijving text
) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT hvhk_weighted(p_titel, 'A')
      || hvhk_weighted(
           (SELECT string_agg(concat_ws(' ', t.naam, t.naam_en, t.naam_fr), ' ')
              FROM aanbod_aanbod_themas at JOIN aanbod_thema t ON t.id = at.thema_id
             WHERE at.aanbod_id = p_id),
           'B')
      || hvhk_weighted(p_samenvatting, 'B')
      || hvhk_weighted((SELECT p.naam FROM partners_partner p WHERE p.id = p_partner_id), 'C')
      || hvhk_weighted(p_beschrijving, 'D')
$$;

CREATE OR REPLACE FUNCTION hvhk_aanbod_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := hvhk_aanbod_search_vector(
    NEW.id, NEW.partner_id, NEW.titel, NEW.samenvatting, NEW.beschrijving);
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION hvhk_aanbod_themas_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE aanbod_aanbod SET search_vector = NULL WHERE id = NEW.aanbod_id;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE aanbod_aanbod SET search_vector = NULL WHERE id = OLD.aanbod_id;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hvhk_thema_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE aanbod_aanbod SET search_vector = NULL
   WHERE id IN (SELECT aanbod_id FROM aanbod_aanbod_themas WHERE thema_id = NEW.id);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hvhk_partner_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE aanbod_aanbod SET search_vector = NULL WHERE partner_id = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER aanbod_search_vector_update
  BEFORE INSERT OR UPDATE ON aanbod_aanbod
  FOR EACH ROW EXECUTE FUNCTION hvhk_aanbod_search_trigger();

CREATE TRIGGER aanbod_themas_search_vector_update
  AFTER INSERT OR UPDATE OR DELETE ON aanbod_aanbod_themas
  FOR EACH ROW EXECUTE FUNCTION hvhk_aanbod_themas_search_trigger();

CREATE TRIGGER thema_search_vector_update
  AFTER UPDATE OF naam, naam_en, naam_fr ON aanbod_thema
  FOR EACH ROW WHEN (OLD.naam IS DISTINCT FROM NEW.naam
                     OR OLD.naam_en IS DISTINCT FROM NEW.naam_en
                     OR OLD.naam_fr IS DISTINCT FROM NEW.naam_fr)
  EXECUTE FUNCTION hvhk_thema_search_trigger();

CREATE TRIGGER partner_search_vector_update
  AFTER UPDATE OF naam ON partners_partner
  FOR EACH ROW WHEN (OLD.naam IS DISTINCT FROM NEW.naam)
  EXECUTE FUNCTION hvhk_partner_search_trigger();

CREATE INDEX IF NOT EXISTS aanbod_search_vector_gin ON aanbod_aanbod USING gin (search_vector);

UPDATE aanbod_aanbod SET search_vector = NULL;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS partner_search_vector_update ON partners_partner;
DROP TRIGGER IF EXISTS thema_search_vector_update ON aanbod_thema;
DROP TRIGGER IF EXISTS aanbod_themas_search_vector_update ON aanbod_aanbod_themas;
DROP TRIGGER IF EXISTS aanbod_search_vector_update ON aanbod_aanbod;
DROP INDEX IF EXISTS aanbod_search_vector_gin;
DROP FUNCTION IF EXISTS hvhk_partner_search_trigger();
DROP FUNCTION IF EXISTS hvhk_thema_search_trigger();
DROP FUNCTION IF EXISTS hvhk_aanbod_themas_search_trigger();
DROP FUNCTION IF EXISTS hvhk_aanbod_search_trigger();
DROP FUNCTION IF EXISTS hvhk_aanbod_search_vector(bigint, bigint, text, text, text);
DROP FUNCTION IF EXISTS hvhk_weighted(text, "char");
DROP TEXT SEARCH CONFIGURATION IF EXISTS hvhk_simple;
DROP TEXT SEARCH CONFIGURATION IF EXISTS hvhk_dutch;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0004_inschrijving_status_mail"),
        ("partners", "0001_initial"),
    ]

    operations = [
        # CreateExtension is itself a no-op on other databases.
        TrigramExtension(),
        UnaccentExtension(),
        migrations.AddField(
            model_name="aanbod",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        PostgresOnlySQL(FORWARD, BACKWARD),
    ]
