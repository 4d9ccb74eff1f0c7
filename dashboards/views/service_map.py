"""Service map: where sites are, where clients live (suppressed aggregates), the access gaps, and the directory.

It draws without internet: an Altair (Vega-Lite, bundled with Streamlit) chart of longitude and
latitude in a Mercator projection, no tiles.  A basemap is drawn only when ACCUEIL_MAP_STYLE names
a map style (pydeck, with that style and the same points).
"""

from __future__ import annotations

import os

import altair as alt
import pandas as pd
import streamlit as st
from shared import READER, Col, code, download, fetch, lang, md, quarter, select, show_table, tr, viewer

from accueil.access.directory import COLUMNS as DIRECTORY_COLUMNS
from accueil.access.directory import DirectoryError, directory

GAP_KM = 25
STREAMS = (
    "language_training",
    "employment",
    "needs_assessment",
    "information_orientation",
    "community_connections",
    "language_assessment",
)
SIZES = ("urban", "small_centre", "rural")

st.title(tr("page.map"))
st.write(tr("map.intro"))
lg = lang()

languages = fetch("access.languages")
language_names = dict(zip(languages["code"], languages[f"label_{lg}"], strict=True))


def yes_no(flag) -> str:
    return tr("map.yes") if flag is True else (tr("map.no") if flag is False else "")


def language_list(codes) -> str:
    if not isinstance(codes, str) or not codes:
        return ""
    return ", ".join(language_names.get(c, c) for c in codes.split("|"))


one, two, three, four = st.columns(4)
stream = select(one, tr("map.stream"), list(STREAMS), format_func=lambda s: code("service_stream", s), key="m_stream")
language = select(
    two,
    tr("map.language"),
    ["", "french", "english"],
    format_func=lambda c: tr("map.any_language") if not c else language_names.get(c, c),
    key="m_language",
)
size = select(
    three,
    tr("map.size"),
    ["", *SIZES],
    format_func=lambda s: tr("map.any_size") if not s else code("community_size", s),
    key="m_size",
)
quarters = list(fetch("access.periods")["period"])
if not quarters:
    st.info(tr("common.no_rows"))
    st.stop()
period = select(four, tr("common.period"), quarters[::-1], format_func=quarter, key="m_period")

# --- what the map and the tables show ------------------------------------------------------------
offered = directory(viewer(), stream, language, "", reader=READER)
sites = fetch("access.sites").set_index("site_code")
offered = offered.join(sites[["latitude", "longitude"]], on="site_code")
if size:
    offered = offered[offered["community_size_code"] == size]
access = fetch("access.by_fsa", period=period, stream=stream)
by_fsa = access[access["breakdown"] == "fsa"].copy()
if size:
    by_fsa = by_fsa[by_fsa["community_size_code"] == size]
gaps = fetch("access.gaps")
gaps = gaps[gaps["stream_code"] == stream]
if size:
    gaps = gaps[gaps["community_size_code"] == size]


def points() -> pd.DataFrame:
    """One row per mark: sites, client FSAs (no count when suppressed) and gap FSAs."""
    marks = [
        pd.DataFrame(
            {
                "longitude": offered["longitude"],
                "latitude": offered["latitude"],
                "layer": [tr("map.layer_site_french" if f else "map.layer_site") for f in offered["offered_in_french"]],
                "label": offered["site_code"] + " — " + offered["site_name"],
                "clients": None,
            }
        ),
        pd.DataFrame(
            {
                "longitude": by_fsa["fsa_longitude"],
                "latitude": by_fsa["fsa_latitude"],
                "layer": [tr("map.layer_hidden" if s else "map.layer_clients") for s in by_fsa["suppressed"]],
                "label": by_fsa["group_code"],
                "clients": by_fsa["clients_served"].astype("float"),
            }
        ),
        pd.DataFrame(
            {
                "longitude": gaps["fsa_longitude"],
                "latitude": gaps["fsa_latitude"],
                "layer": tr("map.layer_gap"),
                "label": gaps["residence_fsa"],
                "clients": None,
            }
        ),
    ]
    return pd.concat([m for m in marks if not m.empty], ignore_index=True).dropna(subset=["longitude", "latitude"])


st.header(tr("map.map"))
marks = points()
if marks.empty:
    st.info(tr("map.no_sites"))
elif os.environ.get("ACCUEIL_MAP_STYLE"):
    import pydeck as pdk

    layer = pdk.Layer(
        "ScatterplotLayer", marks, get_position=["longitude", "latitude"], get_radius=800, get_fill_color=[40, 90, 160]
    )
    view = pdk.ViewState(latitude=marks["latitude"].mean(), longitude=marks["longitude"].mean(), zoom=8)
    st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=view, map_style=os.environ["ACCUEIL_MAP_STYLE"]))
else:
    layers = ("map.layer_gap", "map.layer_clients", "map.layer_hidden", "map.layer_site", "map.layer_site_french")
    order = [tr(k) for k in layers]
    colours = ["#d62728", "#1f77b4", "#b0b0b0", "#2ca02c", "#9467bd"]
    shapes = ["triangle", "circle", "circle", "square", "square"]
    # Areas in pixels, not a scale: a site or a gap has no count, and a suppressed FSA shows none.
    fixed = {tr("map.layer_gap"): 260.0, tr("map.layer_hidden"): 60.0}
    clients = marks["clients"].astype(float).fillna(0)
    marks["area"] = [
        fixed.get(layer, 180.0 if pd.isna(n) else min(1500.0, 60.0 + 3.0 * c))
        for layer, n, c in zip(marks["layer"], marks["clients"], clients, strict=True)
    ]
    chart = (
        alt.Chart(marks)
        .mark_point(filled=True, opacity=0.75)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            color=alt.Color("layer:N", title=tr("map.layer"), scale=alt.Scale(domain=order, range=colours)),
            shape=alt.Shape("layer:N", scale=alt.Scale(domain=order, range=shapes), legend=None),
            size=alt.Size("area:Q", scale=None, legend=None),
            tooltip=[
                alt.Tooltip("label:N", title=tr("map.fsa")),
                alt.Tooltip("clients:Q", title=tr("map.layer_clients")),
            ],
        )
        .project(type="mercator")
        .properties(height=520)
    )
    st.altair_chart(chart, width="stretch")
    st.caption(tr("map.caption", km=GAP_KM))

# --- the tables under the map, each with its CSV ----------------------------------------------------
st.subheader(tr("map.sites"))
offered["languages"] = offered["language_codes"].map(language_list)
offered["remote"] = offered["is_remote"].map(yes_no)
offered["size"] = offered["community_size_code"].map(lambda s: code("community_size", s) if isinstance(s, str) else "")
site_cols = [
    Col("site_code", "map.site"),
    Col("site_name", "map.site_name"),
    Col("agency_name", "map.agency"),
    Col("site_fsa", "map.fsa"),
    Col("place_name", "map.place"),
    Col("size", "map.size"),
    Col("languages", "map.languages"),
    Col("remote", "map.remote"),
]
show_table(offered, site_cols, key=f"map_sites_{stream}_{language or 'any'}_{size or 'all'}")

st.subheader(tr("map.clients"))
by_fsa["size"] = by_fsa["community_size_code"].map(lambda s: code("community_size", s))
show_table(
    by_fsa,
    [
        Col("group_code", "map.fsa"),
        Col("size", "map.size"),
        Col("clients_served", "common.clients", "int"),
        Col("nearest_site_code", "map.nearest"),
        Col("nearest_site_km", "map.distance", "number1", hidden=None),
    ],
    key=f"map_clients_{period}_{stream}_{size or 'all'}",
)

st.subheader(tr("map.shares"))
shares = access[access["breakdown"] != "fsa"].copy()
shares["group"] = [
    tr("common.all_agencies") if b == "all" else code(b if b != "community_size" else "community_size", g)
    for b, g in zip(shares["breakdown"], shares["group_code"], strict=True)
]
show_table(
    shares,
    [
        Col("group", "map.group"),
        Col("clients_served", "common.clients", "int"),
        Col("share_beyond_25km", "map.beyond_25", "percent", hidden="share_suppressed"),
        Col("share_beyond_50km", "map.beyond_50", "percent", hidden="share_suppressed"),
    ],
    key=f"map_shares_{period}_{stream}",
)

st.subheader(tr("map.gaps"))
st.caption(tr("map.gaps_intro", km=GAP_KM))
gaps = gaps.assign(size=gaps["community_size_code"].map(lambda s: code("community_size", s)))
show_table(
    gaps,
    [
        Col("residence_fsa", "map.fsa"),
        Col("place_name", "map.place"),
        Col("size", "map.size"),
        Col("nearest_site_code", "map.nearest"),
        Col("nearest_site_km", "map.distance", "number1", hidden=None),
        Col("latest_period", "map.latest", "period", hidden=None),
        Col("clients_served", "common.clients", "int"),
    ],
    key=f"map_gaps_{stream}_{size or 'all'}",
)

# --- the directory: the command's answer ------------------------------------------------------------
st.header(tr("map.directory"))
st.write(tr("map.directory_intro"))
near = st.text_input(tr("map.near"), key="m_near", max_chars=7)
try:
    found = directory(viewer(), stream, language, near, reader=READER)
except DirectoryError as exc:
    st.error(md(exc.texts[lg]))  # it repeats what was typed: shown as text
else:
    found = found.assign(language_codes=found["language_codes"].map(language_list))
    found["is_remote"] = [
        tr("map.yes") if r is True else (tr("map.no") if r is False else "") for r in found["is_remote"]
    ]
    table = found[list(DIRECTORY_COLUMNS[lg])].rename(columns=DIRECTORY_COLUMNS[lg])
    if table.empty:
        st.info(tr("common.no_rows"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")
    download(table, f"directory_{stream}_{language or 'any'}_{(near or 'none').strip().upper()}")
