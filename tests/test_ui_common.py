"""ui_common's shared figures: a figure cached for every visitor is turned into its plain form and its JSON once,
and the chart Streamlit sends is exactly the one Plotly itself would write."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io import _json as plotly_json
from streamlit.testing.v1 import AppTest

import ui_common


def _figure() -> go.Figure:
    return go.Figure(go.Bar(x=["1", "2"], y=[40.0, None], name="Avance"),
                     layout={"title": {"text": "Avance por programa"}, "height": 320})


def test_json_of_a_shared_figure_is_encoded_once_other_calls_are_plotlys():
    calls = []

    def to_json(fig, *args, **kwargs):
        calls.append((type(fig).__name__, args, kwargs))
        return f"json {len(calls)}"

    shared_to_json = ui_common._json_once(to_json)
    plain = ui_common._SharedFigure(_figure()).to_dict()
    assert shared_to_json(plain, validate=False) == "json 1"
    assert shared_to_json(plain, validate=False) == "json 1"          # the same text, not encoded again
    assert calls == [("_PlainFigure", (), {"validate": False})]
    # Anything else is Plotly's business, every time: a plain dict, other options, another figure.
    assert shared_to_json({"data": []}, validate=False) == "json 2"
    assert shared_to_json(plain, validate=False, pretty=True) == "json 3"
    assert shared_to_json(plain) == "json 4"
    other = ui_common._SharedFigure(_figure()).to_dict()
    assert other is not plain and shared_to_json(other, validate=False) == "json 5"


def test_the_plain_form_is_computed_once_and_is_plotlys():
    figure = ui_common._SharedFigure(_figure())
    assert figure.to_dict() is figure.to_dict()
    assert figure.to_dict() == go.Figure(_figure()).to_dict()


def test_installed_once_on_plotly_io():
    assert pio.to_json.encodes_shared_figures_once
    assert pio.to_json.__wrapped__ is plotly_json.to_json     # importing ui_common again does not wrap twice


def _chart_page() -> None:
    import streamlit as st

    import ui_common

    figure = ui_common._SharedFigure(__import__("test_ui_common")._figure())
    st.plotly_chart(figure, theme=None, key="first")
    st.plotly_chart(figure, theme=None, key="second")
    st.session_state["encoded"] = figure.to_dict().json


def test_streamlit_sends_plotlys_own_json_encoded_once_per_figure():
    at = AppTest.from_function(_chart_page, default_timeout=30).run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    expected = plotly_json.to_json(_figure().to_dict(), validate=False)
    assert json.loads(charts[0].proto.spec) == json.loads(expected)
    assert charts[0].proto.spec == charts[1].proto.spec
    # Streamlit's own call went through the shared encoder (a Streamlit upgrade that stops calling
    # plotly.io.to_json would leave this unset: every visit would encode the figures again).
    assert at.session_state["encoded"] == charts[0].proto.spec


def test_a_table_of_up_to_30_rows_is_as_tall_as_its_rows():
    """Issue 21 item 10: «Tablas y descargas» sized its table «40 + 35 px per row» and showed four of program 3's
    five rows (the rows are taller at the app's font).  Up to 30 rows the browser sizes it to its rows; longer
    tables keep a fixed height and scroll inside (tests/test_e2e.py measures both in Chromium)."""
    assert [ui_common.table_height(n) for n in (0, 1, 5, 27, 30)] == ["content"] * 5
    assert ui_common.table_height(31) == ui_common.table_height(500) == ui_common.TABLE_SCROLL_PX
