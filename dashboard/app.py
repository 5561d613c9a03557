"""The Streamlit app (placeholder until the map lands): the dataset as a table. Run with ``make run``."""

from __future__ import annotations

import streamlit as st

from dashboard.data import load_events
from dashboard.errors import DashboardError

st.set_page_config(page_title="News events map", layout="wide")
st.title("News events: Vostok 2022")
try:
    st.dataframe(load_events(), hide_index=True)
except DashboardError as exc:
    st.error(str(exc))
