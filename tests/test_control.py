"""The upload register and the audit log."""

from __future__ import annotations

import sqlite3

import pytest

from accueil import control


def test_audit_log_is_append_only():
    with control.connect() as con:
        control.audit(con, "tester", "role_changed", "user:ana", role="funder")
        row = con.execute("select actor, action, target, detail from audit_log").fetchone()
        assert tuple(row) == ("tester", "role_changed", "user:ana", '{"role": "funder"}')
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("update audit_log set actor = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("delete from audit_log")
        assert con.execute("select count(*) from audit_log").fetchone()[0] == 1
