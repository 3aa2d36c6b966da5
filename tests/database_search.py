"""Search the whole database for a text: every column of every table, on SQLite and PostgreSQL."""

from django.db import connection


def rows_containing(text: str) -> list[tuple[str, str]]:
    """(table, column) of every column of every table with a row that, read as text, contains `text`
    (case-insensitive). JSON, bytes and number columns are read as text too."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.get_table_list(cursor):
            if table.type != "t":
                continue
            for column in connection.introspection.get_table_description(cursor, table.name):
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table.name)} "  # noqa: S608 - names from the introspection
                    f"WHERE LOWER(CAST({quote(column.name)} AS TEXT)) LIKE %s",
                    [f"%{text.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table.name, column.name))
    return found
