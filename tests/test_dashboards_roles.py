"""Sign-in and roles on the dashboards: real sessions (accueil.auth) on the sample region's snapshot.

Each role signs in through the form, is offered its pages and no others, and gets the
data its role allows: asserted against the snapshot and the register read here directly.
Then what people can send is tampered with: addresses, widget state, text inputs.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from accueil import access, auth
from tests.test_dashboards import (
    APP,
    PASSWORD,
    USERS,
    make_home,
    sign_in,
    snapshot,
    table,
    warehouse,
    whole,
)

pytestmark = pytest.mark.usefixtures("cheap_hashes")

ALL_PAGES = (
    "council",
    "funders",
    "agency",
    "journeys",
    "submissions",
    "followups",
    "report",
    "service_map",
    "audit",
    "help",
)
OFFERED = {
    "agency": {"council", "agency", "journeys", "followups", "report", "service_map", "help"},
    "funder": {"council", "funders", "journeys", "report", "service_map", "help"},
    "council": {"council", "funders", "journeys", "submissions", "followups", "report", "service_map", "help"},
    "admin": set(ALL_PAGES),
}
TITLES = {
    "council": "Council scorecard",
    "funders": "Funders: outcomes and outputs",
    "agency": "Agency: my quarter",
    "journeys": "Client journeys",
    "submissions": "Submissions",
    "followups": "Open referrals and follow-ups",
    "report": "Quarterly report",
    "service_map": "Service map",
    "audit": "Audit log",
    "help": "Help: the extract's columns",
}
INJECTIONS = [
    "' or '1'='1",
    "root'; drop table users; --",
    '" or ""="',
    "AG001' union select password_hash from users --",
    "%",
    "\x00root",
    "root\n",
    "x" * 500,
]


_FIRST_AUDIT_ID: dict[Path, int] = {}


def _audit(home: Path, action: str) -> list[sqlite3.Row]:
    """This test's audit rows for the action (the register it copied has the build's own)."""
    with sqlite3.connect(home / "control.sqlite") as con:
        con.row_factory = sqlite3.Row
        return con.execute(
            "select * from audit_log where action = ? and audit_id > ? order by audit_id",
            (action, _FIRST_AUDIT_ID[home]),
        ).fetchall()


@pytest.fixture
def home(sample_warehouse, tmp_path, monkeypatch) -> Path:
    target = make_home(sample_warehouse, tmp_path, monkeypatch)
    with sqlite3.connect(target / "control.sqlite") as con:
        _FIRST_AUDIT_ID[target] = con.execute("select coalesce(max(audit_id), 0) from audit_log").fetchone()[0]
    return target


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, (page, [e.value for e in at.exception])
    return at


@pytest.mark.parametrize("name", list(USERS))
def test_each_role_sees_its_pages_and_its_data_and_nothing_more(home, name):
    """Every role, every page, the data on it; opened from a link to another agency's page (?agency=AG002)."""
    role, agency = USERS[name]
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["agency"] = "AG002"
    at.run()
    sign_in(name, at=at)
    assert at.title[0].value == TITLES["council"]  # everyone's first page
    assert f"Signed in as **{name}**" in " ".join(m.value for m in at.sidebar.markdown)
    assert table(at, "Indicator") is not None

    for page in ALL_PAGES[1:]:
        if page not in OFFERED[role]:
            # Not in this role's navigation: Streamlit has no such page for this session.
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"views/{page}.py")
            continue
        _open(at, page)
        title = at.title[0].value
        assert title == TITLES[page], (role, page, title)
        assert not at.error, (role, page, [e.value for e in at.error])

        if page == "funders":
            shown = table(at, "Agency", "Clients served")
            period = at.selectbox(key="f_quarter__en").value
            expected = snapshot(
                home,
                "select agency_code, clients_served, suppressed from marts.fct_outcomes_vs_outputs"
                " where period = ? and grain = 'agency' order by agency_code",
                period,
            )
            assert len(shown) == len(expected) + 1
            first = expected.iloc[0]
            line = shown.loc[shown["Agency"].str.startswith(first.agency_code)].iloc[0]
            assert line["Clients served"] == ("x" if first.suppressed else whole(first.clients_served))
            # Its CSV download is an audited export.
            at.get("download_button")[0].click().run()
            exports = _audit(home, "export")
            assert [(e["actor"], json.loads(e["detail"])["role"]) for e in exports] == [(name, role)]
            assert exports[0]["target"] == f"csv:outputs_outcomes_{period}_en.csv"
            assert json.loads(exports[0]["detail"])["rows"] == len(shown)
        elif page == "agency":
            # The admin follows the link; the agency user is kept to its own agency, whatever it sends.
            mine = agency or "AG002"
            if role == "admin":
                assert at.selectbox(key="a_agency__en").value == "AG002"
            else:
                assert not [s for s in at.selectbox if s.key == "a_agency__en"], "an agency user picks no agency"
                assert "You can see only your own agency, AG001." in [w.value for w in at.warning]
                at.session_state["a_agency"] = "AG002"  # widget state as a crafted client might send it
                at.session_state["a_agency__en"] = "AG002"
                at.run()
            history = table(at, "Upload", "Quarter", "File", "Status")
            with sqlite3.connect(home / "control.sqlite") as con:
                files = sorted(
                    f
                    for (f,) in con.execute(
                        "select file_name from uploads where agency_cd = ? and kind = 'extract'", (mine,)
                    )
                )
            assert sorted(history["File"]) == files and all(f.startswith(f"{mine}_") for f in files)
            quality = table(at, "Sheet", "Field", "Filled in", "Rows")
            checked = at.selectbox(key="a_quality_quarter__en").value
            rows = warehouse(
                home, "select count(*) as n from raw.client_profile where agency_cd = ? and quarter = ?", mine, checked
            )["n"][0]
            profile = quality.loc[quality["Sheet"] == "Client Profile", "Rows"]
            assert set(profile) == {whole(rows)}
        elif page == "journeys":
            flows = table(at, "Referring agency", "Receiving agency", "Referrals")
            assert len(flows) > 0
            assert "x" in set(flows["Referrals"])  # small flows reach nobody but as a mark
        elif page == "service_map":
            # Reference data and controlled counts only: the same for every role.
            sites = snapshot(home, "select count(*) as n from marts.dim_site where offers_language_training")["n"][0]
            assert len(table(at, "Site", "Agency", "Languages")) == sites
        elif page == "audit":
            log = table(at, "No.", "When (UTC)", "User", "Action")
            assert ("root", "signin") in set(zip(log["User"], log["Action"], strict=True))

    signins = [r for r in _audit(home, "signin") if r["actor"] == name]
    assert len(signins) == 1 and json.loads(signins[0]["detail"])["role"] == role
    views = [r for r in _audit(home, "client_data_viewed") if r["actor"] == name]
    if role in ("agency", "admin"):
        assert {json.loads(r["detail"])["params"]["agency"] for r in views} == {agency or "AG002"}
        # One row per view of a page, naming every query it read, not one row per query.
        assert views and all(r["target"].startswith("page:") for r in views), [r["target"] for r in views]
        assert all(len(json.loads(r["detail"])["queries"]) > 1 for r in views)
        pages = [r["target"] for r in views]
        assert len(pages) == len(set(pages)), pages  # re-runs of the same view within the window: one row
    else:
        assert views == []

    # The rights are the access layer's, not the navigation's: asked directly, it answers the same.
    viewer = at.session_state["_accueil_viewer"]
    assert viewer == access.Viewer(name, role, agency)
    for other in ("AG001", "AG002"):
        allowed = role == "admin" or other == agency
        try:
            access.fetch(viewer, "agency.loaded_quarters", agency=other)
            reached = True
        except access.AccessDenied:
            reached = False
        assert reached == allowed, (name, other)
    if role != "admin":
        with pytest.raises(access.AccessDenied):
            access.audit_log(viewer)


def test_hostile_sign_in_names_and_passwords_are_refused_and_harmless(home):
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    for hostile in INJECTIONS:
        sign_in(hostile, hostile, at=at)
        assert [e.value for e in at.error] == ["Wrong user name or password."], hostile
        assert at.text_input(key="signin_name")  # still the form
    with sqlite3.connect(home / "control.sqlite") as con:
        assert con.execute("select count(*) from users").fetchone()[0] == len(USERS)
        failures = dict(con.execute("select name, failed_signins from users").fetchall())
    # "root\n" and "\x00root" reach sign-in as root's name, as the text input hands them over (trimmed,
    # without the NUL): a wrong password each, which is all they can cost.
    assert failures == {"ana": 0, "fay": 0, "cam": 0, "root": 2}
    # A hostile password for a real name counts as one wrong password, nothing more.
    sign_in("fay", INJECTIONS[0], at=at)
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    with sqlite3.connect(home / "control.sqlite") as con:
        assert con.execute("select failed_signins from users where name = 'fay'").fetchone()[0] == 1
    assert len(_audit(home, "signin_failed")) == len(INJECTIONS) + 1 and not _audit(home, "signin")
    # The log names only existing users; any other name typed is kept only as a keyed mark.
    actors = [r["actor"] for r in _audit(home, "signin_failed")]
    assert sorted(a for a in actors if not re.fullmatch(r"unknown user #[0-9a-f]{12}", a)) == ["fay", "root", "root"]
    recorded = " ".join(f"{r['actor']} {r['target']} {r['detail']}" for r in _audit(home, "signin_failed"))
    for hostile in INJECTIONS:
        if hostile.strip("\x00\n") != "root":
            assert hostile.strip().lower() not in recorded, hostile


def test_hostile_audit_filters_match_nothing_and_break_nothing(home):
    at = sign_in("root")
    _open(at, "audit")
    before = len(table(at, "No.", "Action"))
    assert before >= 1
    for hostile in INJECTIONS[:3]:
        at.text_input(key="l_actor").input(hostile).run()
        assert not at.exception
        assert not [f for f in at.dataframe if "No." in f.value.columns]  # no rows: an empty table is not drawn
        at.text_input(key="l_actor").input("")
        at.text_input(key="l_text").input(hostile).run()
        assert not at.exception
        assert not [f for f in at.dataframe if "No." in f.value.columns]
        at.text_input(key="l_text").input("")
    at.text_input(key="l_actor").input(" ROOT ").run()  # names are matched as sign-in spells them
    assert set(table(at, "No.", "Action")["User"]) == {"root"}
    with sqlite3.connect(home / "control.sqlite") as con:
        assert con.execute("select count(*) from users").fetchone()[0] == len(USERS)


def test_wrong_passwords_through_the_form_make_the_account_wait_and_say_nothing_more(home, monkeypatch):
    from accueil.auth import signin

    wrong = ["Wrong user name or password."]
    at = sign_in("cam", "not the password")
    assert [e.value for e in at.error] == wrong
    sign_in("cam", "still not it", at=at)
    sign_in("cam", "nor this", at=at)  # the third in a row: the account waits a second
    assert [e.value for e in at.error] == wrong
    sign_in("cam", PASSWORD, at=at)  # the right password, refused while it waits, with the same answer
    assert [e.value for e in at.error] == wrong
    sign_in("nobody", PASSWORD, at=at)  # as an unknown name is answered
    assert [e.value for e in at.error] == wrong
    assert at.text_input(key="signin_name")
    later = datetime.now(UTC) + timedelta(seconds=2)
    monkeypatch.setattr(signin, "_now", lambda: later)
    sign_in("cam", PASSWORD, at=at)  # the wait is over: no admin was needed
    assert not at.error and "auth_token" in at.session_state
    assert len(_audit(home, "signin_backoff")) == 1 and not _audit(home, "account_locked")
    assert [json.loads(r["detail"])["reason"] for r in _audit(home, "signin_failed")] == [
        "wrong password",
        "wrong password",
        "wrong password",
        "backing off",
        "unknown user",
    ]


def test_an_expired_session_goes_back_to_the_form_and_sign_out_ends_it(home, monkeypatch):
    from accueil.auth import sessions

    monkeypatch.setenv("ACCUEIL_SESSION_MINUTES", "30")
    at = sign_in("fay")
    _open(at, "funders")
    assert at.title[0].value == TITLES["funders"]
    token = at.session_state["auth_token"]
    later = datetime.now(UTC) + timedelta(minutes=31)
    monkeypatch.setattr(sessions, "_now", lambda: later)
    at.run()
    assert [w.value for w in at.warning] == ["Your session has expired: please sign in again."]
    assert at.text_input(key="signin_name") and not [t for t in at.title if t.value == TITLES["funders"]]
    with pytest.raises(auth.SessionExpired):
        auth.viewer_for_session(token)
    monkeypatch.setattr(sessions, "_now", lambda: datetime.now(UTC))

    sign_in("fay", at=at)
    token = at.session_state["auth_token"]
    at.sidebar.button(key="signout").click().run()
    assert at.text_input(key="signin_name")
    with pytest.raises(auth.SessionExpired):
        auth.viewer_for_session(token)
    assert [r["actor"] for r in _audit(home, "signout")] == ["fay"]


def test_a_role_change_applies_at_the_next_click(home):
    from click.testing import CliRunner

    from accueil.cli import cli

    at = sign_in("ana")
    _open(at, "agency")
    assert CliRunner().invoke(cli, ["users", "set-role", "ana", "--role", "funder"]).exit_code == 0
    at.run()
    assert [w.value for w in at.warning] == [
        "Your session has ended (signed out, or your role changed): please sign in again."
    ]
    sign_in("ana", at=at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/agency.py")  # a funder now: no agency page


def test_identity_provider_claims_map_to_roles(home, monkeypatch):
    """With [auth] configured, st.user carries is_logged_in and the claims; the role comes from a claim."""
    monkeypatch.setenv("ACCUEIL_OIDC_ROLE_CLAIM", "groups")
    monkeypatch.setenv("ACCUEIL_OIDC_AGENCY_CLAIM", "agency_code")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["Sign in with the partnership's account"]
    assert not at.text_input  # no local password form when the identity provider signs people in

    now = datetime.now(UTC).timestamp()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.user = {
        "is_logged_in": True,
        "email": "Lea@Agency.example",
        "sub": "123",
        "groups": ["agency"],
        "agency_code": "ag003",
        "iat": now - 60,
        "exp": now + 3600,
    }
    at.run()
    _open(at, "agency")
    assert at.title[0].value == TITLES["agency"]
    assert table(at, "Upload", "Quarter", "File", "Status")["File"].str.startswith("AG003_").all()
    assert at.session_state["_accueil_viewer"] == access.Viewer("oidc:lea@agency.example", "agency", "AG003")
    assert [r["actor"] for r in _audit(home, "signin")] == ["oidc:lea@agency.example"]

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.user = {"is_logged_in": True, "email": "x@example.org", "groups": "superuser", "iat": now}
    at.run()
    assert at.error and "no Accueil role" in at.error[0].value
    assert not at.dataframe
    assert json.loads(_audit(home, "signin_failed")[-1]["detail"])["reason"].startswith("the identity provider")
