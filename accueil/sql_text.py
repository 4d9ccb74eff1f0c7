"""Names and strings written into DuckDB SQL text, where a parameter cannot go (a table name, an ATTACH path)."""


def identifier(name: str) -> str:
    """A quoted identifier: any schema, table or column name, double quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: object) -> str:
    """A quoted string literal (a file path to ATTACH), single quotes doubled."""
    return "'" + str(text).replace("'", "''") + "'"
