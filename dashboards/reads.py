"""Who reads and what a run reads: the viewer app.py signed in, and the access layer's named
queries through Streamlit's cache, each fetched once per run of the script."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from accueil import access
from accueil.access.reader import lists_table

VIEWER = "_accueil_viewer"


def viewer() -> access.Viewer:
    """The viewer app.py signed in for this run; a page run any other way reads nothing."""
    found = st.session_state.get(VIEWER)
    if not isinstance(found, access.Viewer):
        raise access.AccessDenied("nobody is signed in")
    return found


# The access layer's named queries, with Streamlit's cache passed in: one cache for every session
# of this server, keyed by the query, its parameters and the snapshot's version (accueil.access.reader).
READER = access.Reader(st.cache_data(show_spinner=False, max_entries=512))


# What this run of the script has fetched: a page asks for the same small tables (agency names,
# code labels) once per row it labels, and each fetch through the cache costs a hash, a copy of
# the answer and a read of the snapshot's manifest (most of a page's time, seen with py-spy).
# app.py empties it at the start of every run, so a new publish is read at the next one.
FETCHED = "_accueil_fetched_this_run"


def new_run() -> None:
    st.session_state[FETCHED] = {}


def once_per_run(key: tuple, make):
    fetched = st.session_state.get(FETCHED)
    if fetched is None:  # outside a run of app.py
        return make()
    if key not in fetched:
        fetched[key] = make()
    return fetched[key]


def fetch(name: str, **params) -> pd.DataFrame:
    key = ("fetch", name, tuple(sorted(params.items())))
    return once_per_run(key, lambda: READER.fetch(viewer(), name, **params)).copy()


def has_table(schema: str, table: str) -> bool:
    return lists_table(fetch("catalog.tables"), schema, table)
