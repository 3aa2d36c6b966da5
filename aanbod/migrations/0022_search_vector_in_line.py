"""Aanbod rows kept whole, their search document in line rather than in the TOAST table: PostgreSQL only.

A `search_vector` (aanbod/0005) holds some 2.4 KB (title, summary, description, thema and partner names,
twice: stemmed and unstemmed) and compresses badly, so with the default TOAST target (a row over 2 KB)
PostgreSQL moved nearly every one out of line. Each document read then cost a TOAST index probe and two or
three chunk reads: ranking the 1,300 matches of `slapen` read 7,400 buffers, testing all 5,000 documents
17,500 (29 ms) at the benchmark's size. With the target at a full page a row stays whole unless it passes
some 8 KB (then its largest values are compressed or moved out, as before): ranking reads 3,600 buffers,
testing every document 1,700 (8 ms). Ranks and matches are unchanged, only where the document is kept.

`toast_tuple_target` rather than STORAGE MAIN on the column: MAIN keeps the document in line but, the row
still being over the 2 KB target, moves every other value out instead (the titles too, read at each sort
comparison). The UPDATE has the search trigger write every document anew, so existing rows move in line.
"""

from django.db import migrations

from huisvanhetkind.lib.schema import PostgresOnlySQL

FORWARD = """
ALTER TABLE aanbod_aanbod SET (toast_tuple_target = 8160);
UPDATE aanbod_aanbod SET search_vector = NULL;
"""
BACKWARD = """
ALTER TABLE aanbod_aanbod RESET (toast_tuple_target);
UPDATE aanbod_aanbod SET search_vector = NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("aanbod", "0021_activiteit_start_einde_index")]

    operations = [PostgresOnlySQL(FORWARD, BACKWARD)]
