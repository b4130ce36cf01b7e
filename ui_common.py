"""Shared Streamlit helpers for the pages: the ONE cached data path, cut-off selectors, banners.

Data reach the pages only through :func:`mpi_dash.data_access.current_version` (cheap) and
:func:`mpi_dash.data_access.load_dataset`, cached together with the engine results *keyed on the data
version*: switching quarter or page never re-reads the workbook; changing the data (new version) does.
The cut-off frame (:func:`mpi_dash.summary.at_cutoff`) every table of a page is built from is computed
once per data version, year and quarter (:func:`cutoff_frame`) and shared by the pages; what a run asks
for many times is kept by :func:`ui_cache.shared` (a dictionary lookup, not ``st.cache_resource``'s hashing).
Kept outside ``pages/`` so it is never listed as a page.
"""

from __future__ import annotations

import functools
import re
import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from mpi_dash import approvals, data_access, programs, schema, summary
from mpi_dash.accounts import Permiso
from mpi_dash.data_access import Dataset
from mpi_dash.engine import compute_all
from mpi_dash.formatting import (
    PERCENT_SIGN,
    SEMAFORO_LABELS,
    cutoff_label,
    exception_lines,
    format_percent,
    join_words,
    program_missing_lines,
    program_name,
    program_status_label,
    quarter_label,
    single_spaces,
)
from mpi_dash.schema import Semaforo
from mpi_dash.snapshot import Snapshot
from ui_cache import shared

if TYPE_CHECKING:
    from mpi_dash.store import Store

QUARTER_OPTIONS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Loaded:
    """A dataset with its engine results (every indicator × year × quarter) and the approval record
    (events and the current state of every program-quarter that has one)."""

    dataset: Dataset
    results: pd.DataFrame
    events: pd.DataFrame = field(default_factory=approvals.empty_events)
    states: pd.DataFrame = field(default_factory=approvals.empty_events)
    revision_times: dict[int, str] = field(default_factory=dict)   # revision → UTC ISO time (SIPOT dates)
    latest_time: str | None = None                                   # time of the latest data


@st.cache_resource(max_entries=4, show_spinner="Leyendo los datos…")
def _load(version: str) -> Loaded:
    """Read + compute once per data version (shared by all sessions; never mutated by pages)."""
    dataset = data_access.load_dataset()
    results = compute_all(dataset.plan, dataset.avances, dataset.parametros)
    events = data_access.approval_events()
    times, latest_time = data_access.revision_times()
    return Loaded(dataset, results, events, approvals.current_states(events), times, latest_time)


@st.cache_resource(max_entries=8, show_spinner="Leyendo las cifras aprobadas…")
def _revision(database: str, revision: int) -> Loaded:
    """The data of one revision (pinned by an approval) with its engine results: a revision never changes,
    so (database, revision) keys it for good."""
    dataset = data_access.load_revision(revision)
    return Loaded(dataset, compute_all(dataset.plan, dataset.avances, dataset.parametros))


def _database(loaded: Loaded) -> str:
    """The database part of the data version (file + inode), shared by every revision of it."""
    return loaded.dataset.version.split("#", 1)[0]


# The two views of the figures: approved ones where they exist (what consulta and the Junta see), or the
# latest data (dirección and coordinación may switch, where they differ).
VIEW_APPROVED, VIEW_LATEST = "aprobadas", "ultimas"
VIEW_LABELS = {VIEW_APPROVED: "Cifras aprobadas", VIEW_LATEST: "Últimas cifras"}
VIEW_KEY = "vista_cifras"


@shared(max_entries=32)
def _latest_cut(version: str, anio: int, trimestre: int, _loaded: Loaded) -> pd.DataFrame:
    return summary.at_cutoff(_loaded.results, _loaded.dataset.plan, anio, trimestre)


@shared(max_entries=32)
def _revision_cut(database: str, revision: int, anio: int, trimestre: int) -> pd.DataFrame:
    pinned = _revision(database, revision)
    return summary.at_cutoff(pinned.results, pinned.dataset.plan, anio, trimestre)


def _by_program(frame: pd.DataFrame) -> pd.Series:
    return frame["programa_num"].astype(str)


@shared(max_entries=32)
def _cutoff(version: str, view: str, anio: int, trimestre: int, _loaded: Loaded) -> pd.DataFrame:
    """``summary.at_cutoff`` once per (data version, view, year, quarter); ``_loaded`` is not hashed: the
    version keys it.  The approved view assembles each approved program from its pinned revision
    (``approvals.approved_frame``).  Shared by every session and page: callers never mutate it."""
    latest = _latest_cut(version, anio, trimestre, _loaded)
    if view == VIEW_LATEST:
        return latest
    database = _database(_loaded)
    return approvals.approved_frame(latest, lambda r: _revision_cut(database, r, anio, trimestre),
                                    _loaded.states, anio, trimestre, program_of=_by_program)


@shared(max_entries=64)
def _pins(version: str, anio: int, trimestre: int, _loaded: Loaded) -> dict[str, int]:
    """``approvals.pinned_revisions`` of the cut, once per data version (every page asks several times per
    run; shared: never mutate)."""
    return approvals.pinned_revisions(_loaded.states, anio, trimestre)


def pinned_revisions(loaded: Loaded, anio: int, trimestre: int) -> dict[str, int]:
    """Approved program → the revision its approved figures come from, for the cut (cached; do not mutate)."""
    return _pins(loaded.dataset.version, anio, trimestre, loaded)


def _snapshot_of(dataset: Dataset) -> Snapshot:
    return Snapshot(dataset.plan, dataset.avances, dict(dataset.parametros))


@shared(max_entries=32)
def _drift(version: str, anio: int, trimestre: int, _loaded: Loaded) -> dict[str, pd.DataFrame]:
    """``approvals.drift`` of the cut: approved programs whose inputs (``dependencies.cut_inputs``) changed
    since their approval → those cells; once per data version (shared: never mutate)."""
    if not _pins(version, anio, trimestre, _loaded):
        return {}
    database = _database(_loaded)
    return approvals.drift(_loaded.states, anio, trimestre,
                           lambda r: _snapshot_of(_revision(database, r).dataset), _snapshot_of(_loaded.dataset))


def approval_drift(loaded: Loaded, anio: int, trimestre: int) -> dict[str, pd.DataFrame]:
    """Approved programs of the cut whose data changed since their approval → the changed cells (``approvals.
    LOCKED_COLUMNS``); empty when every approved figure matches the data (cached; do not mutate)."""
    return _drift(loaded.dataset.version, anio, trimestre, loaded)


def differing_programs(loaded: Loaded, anio: int, trimestre: int) -> tuple[str, ...]:
    """Approved programs of the cut whose latest figures may differ from the approved ones: their inputs
    changed since the approval (:func:`approval_drift`; cached).  Where the «Últimas cifras» switch matters."""
    return tuple(approval_drift(loaded, anio, trimestre))


def _may_see_latest() -> bool:
    import ui_auth

    return ui_auth.visitor().may(Permiso.VER_ULTIMAS_CIFRAS)


def figures_view(loaded: Loaded, anio: int, trimestre: int) -> str:
    """The view this person sees for the cut: the approved figures where they exist, unless a role that
    may see the latest figures chose «Últimas cifras» (and they differ); a cut without approvals is simply
    the latest data (one cache entry)."""
    if not pinned_revisions(loaded, anio, trimestre):
        return VIEW_LATEST
    if st.session_state.get(VIEW_KEY) == VIEW_LATEST and differing_programs(loaded, anio, trimestre) \
            and _may_see_latest():
        return VIEW_LATEST
    return VIEW_APPROVED


def cutoff_frame(loaded: Loaded, anio: int, trimestre: int) -> pd.DataFrame:
    """The cut-off frame of the chosen year and quarter, in this person's view (cached; do not mutate)."""
    view = figures_view(loaded, anio, trimestre)
    return _cutoff(loaded.dataset.version, view, anio, trimestre, loaded)


def latest_cutoff_frame(loaded: Loaded, anio: int, trimestre: int) -> pd.DataFrame:
    """The cut-off frame of the latest data whatever the view (what an approval would pin; cached)."""
    return _cutoff(loaded.dataset.version, VIEW_LATEST, anio, trimestre, loaded)


@shared(max_entries=32)
def _program_figures(version: str, view: str, anio: int, trimestre: int, _loaded: Loaded) -> pd.DataFrame:
    return programs.program_figures(_cutoff(version, view, anio, trimestre, _loaded), _loaded.dataset.parametros)


@shared(max_entries=32)
def _programs(version: str, views: tuple[str, ...], anio: int, trimestre: int,
              _loaded: Loaded) -> tuple[pd.DataFrame, pd.DataFrame]:
    per_cut = [_program_figures(version, views[k - 1], anio, k, _loaded) for k in range(1, trimestre + 1)]
    return per_cut[-1], programs.stack_trend(per_cut)


def cut_views(loaded: Loaded, anio: int, trimestre: int) -> tuple[str, ...]:
    """The view of each quarter from Marzo to the cut as this person sees them (:func:`figures_view`)."""
    return tuple(figures_view(loaded, anio, k) for k in range(1, trimestre + 1))


def default_views(loaded: Loaded, anio: int, trimestre: int) -> tuple[str, ...]:
    """The views every visitor sees until dirección switches to «Últimas cifras»: approved figures where a
    quarter has approvals.  Needs no session (``ui_resumen.warm_up`` prepares them at the server's start)."""
    return tuple(VIEW_APPROVED if pinned_revisions(loaded, anio, k) else VIEW_LATEST
                 for k in range(1, trimestre + 1))


def program_frames(loaded: Loaded, anio: int, trimestre: int,
                   views: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-program figures of the cut-off, their trend from Marzo to it): ``programs.program_figures`` of
    each cached cut-off frame (each quarter in this person's view — or ``views`` —: approved where approved),
    stacked by ``programs.stack_trend``; once per data version, views and cut (do not mutate)."""
    views = views or cut_views(loaded, anio, trimestre)
    return _programs(loaded.dataset.version, views, anio, trimestre, loaded)


@shared(max_entries=64)
def _figure(name: str, version: str, views: tuple[str, ...], anio: int, trimestre: int,
            _build: Callable[[], Any]) -> Any:
    return _SharedFigure(_build())


class _SharedFigure(go.Figure):
    """A cached figure shared by every visitor (never changed once built) whose plain form and JSON text are
    computed once: on every run ``st.plotly_chart`` calls ``to_dict`` — a deep copy re-encoding every array,
    ~1.5 ms per chart and visit — and then ``plotly.io.to_json`` of that plain form (~0.5–0.8 ms more), and only
    reads the results (:class:`_PlainFigure`, :func:`_json_once`)."""

    def to_dict(self) -> dict:
        plain = self.__dict__.get("_plain")
        if plain is None:
            plain = self._plain = _PlainFigure(super().to_dict())
        return plain


class _PlainFigure(dict):
    """The plain form of a :class:`_SharedFigure` (shared: never changed), with its JSON text once computed."""

    json: str | None = None


def _json_once(to_json: Callable[..., str]) -> Callable[..., str]:
    """``plotly.io.to_json`` that encodes the plain form of a shared figure once (Streamlit's exact call,
    ``to_json(plain, validate=False)``); every other call goes to Plotly's own.  Installed on ``plotly.io`` at
    import (``st.plotly_chart`` looks it up there on each call): Junta scale, thirty officials opening Resumen
    at once, each visit encoded the same two figures again."""

    @functools.wraps(to_json)
    def shared_to_json(fig: Any, *args: Any, **kwargs: Any) -> str:
        if type(fig) is not _PlainFigure or args or kwargs != {"validate": False}:
            return to_json(fig, *args, **kwargs)
        if fig.json is None:
            fig.json = to_json(fig, validate=False)
        return fig.json

    shared_to_json.encodes_shared_figures_once = True  # type: ignore[attr-defined]
    return shared_to_json


if not getattr(pio.to_json, "encodes_shared_figures_once", False):
    pio.to_json = _json_once(pio.to_json)


def cached_figure(name: str, loaded: Loaded, anio: int, trimestre: int, build: Callable[[], Any],
                  views: tuple[str, ...] | None = None) -> Any:
    """A figure of one cut-off built once per data version and views (this person's, or ``views``; ``build``
    makes it from cached frames; the figure is shared: never change it).  Switching back to a quarter already
    seen costs no building."""
    views = views or cut_views(loaded, anio, trimestre)
    return _figure(name, loaded.dataset.version, views, anio, trimestre, build)


@shared(max_entries=16)
def _year_programs(version: str, anio: int, _loaded: Loaded) -> dict[str, str]:
    return program_options(_loaded.dataset.plan, anio)


def year_programs(loaded: Loaded, anio: int) -> dict[str, str]:
    """:func:`program_options` of the plan of ``anio``, once per data version (shared: never mutate)."""
    return _year_programs(loaded.dataset.version, anio, loaded)


def cut_programs(loaded: Loaded, anio: int) -> list[str]:
    """Program numbers of the plan of ``anio`` (numeric order)."""
    return list(year_programs(loaded, anio))


@dataclass(frozen=True)
class StampFacts:
    """The stamp of a cut in one view (``approvals.stamp_text``) and whether every program of it shows
    approved figures (the header paints it green)."""

    text: str
    full: bool


@shared(max_entries=64)
def _stamp(version: str, view: str, anio: int, trimestre: int, _loaded: Loaded) -> StampFacts:
    drifted = _drift(version, anio, trimestre, _loaded)
    latest = tuple(drifted) if view == VIEW_LATEST else ()
    every = list(_year_programs(version, anio, _loaded))
    text = approvals.stamp_text(_loaded.states, anio, trimestre, every, shown_latest=latest, drifted=drifted)
    full = approvals.is_fully_approved(_loaded.states, anio, trimestre, every) and not latest and not drifted
    return StampFacts(text, full)


def stamp(loaded: Loaded, anio: int, trimestre: int) -> str:
    """THE stamp of the cut as this person sees it (``approvals.stamp_text``): pages and downloads (built
    once per data version, view and cut)."""
    return _stamp(loaded.dataset.version, figures_view(loaded, anio, trimestre), anio, trimestre, loaded).text


def cut_firmas(loaded: Loaded, anio: int, trimestre: int) -> dict[str, str]:
    """Elaboró / Revisó / Aprobó of the cut from the approval record (``approvals.firmas``; "" = blank line)."""
    return approvals.firmas(loaded.events, anio, trimestre)


def download_stamps(loaded: Loaded, anio: int, trimestre: int) -> dict[str, Any]:
    """What every download of the cut carries (as this person sees it): ``sello`` (the stamp), ``estados``
    (each program's own stamp) and the SIPOT dates per program (``validacion``, ``actualizacion``)."""
    view = figures_view(loaded, anio, trimestre)
    latest = differing_programs(loaded, anio, trimestre) if view == VIEW_LATEST else ()
    every = cut_programs(loaded, anio)
    validacion, actualizacion = approvals.sipot_dates(
        loaded.states, anio, trimestre, every, revision_times=loaded.revision_times,
        latest_time=loaded.latest_time, shown_latest=latest)
    return {"sello": stamp(loaded, anio, trimestre), "view": view,
            "estados": approvals.program_stamps(loaded.states, anio, trimestre, every, shown_latest=latest,
                                                drifted=approval_drift(loaded, anio, trimestre)),
            "validacion": validacion, "actualizacion": actualizacion}


def figures_origin(loaded: Loaded, anio: int, trimestre: int) -> str:
    """Where the shown figures come from, in words: the latest revision, and the revisions approved
    programs were pinned at."""
    pins = pinned_revisions(loaded, anio, trimestre)
    if not pins or figures_view(loaded, anio, trimestre) == VIEW_LATEST:
        return loaded.dataset.origen
    revisions = sorted(set(pins.values()))
    which = (f"la revisión {revisions[0]}" if len(revisions) == 1
             else f"las revisiones {join_words([str(r) for r in revisions])}")
    return f"Programas aprobados: datos de {which} · {loaded.dataset.origen}"


def stamp_line(loaded: Loaded, anio: int, trimestre: int, *, then: str = "") -> None:
    """The stamp in coloured bold words (green: all approved; orange: partly; grey: preliminary) followed by
    ``then`` (markdown, e.g. the cut-off and origin) in ONE caption line — the header stays compact — and,
    before it, the view switch for the roles that may see the latest figures where they differ."""
    differ = differing_programs(loaded, anio, trimestre)
    if differ and _may_see_latest():
        _restore(VIEW_KEY)
        if st.session_state.get(VIEW_KEY) not in VIEW_LABELS:
            st.session_state[VIEW_KEY] = VIEW_APPROVED
        st.radio("Cifras que se muestran", list(VIEW_LABELS), key=VIEW_KEY, horizontal=True,
                 format_func=VIEW_LABELS.get, on_change=_remember, args=(VIEW_KEY,),
                 help="Los datos cambiaron desde la aprobación en "
                      f"{'el programa' if len(differ) == 1 else 'los programas'} {join_words(list(differ))}.")
        _remember(VIEW_KEY)
    facts = _stamp(loaded.dataset.version, figures_view(loaded, anio, trimestre), anio, trimestre, loaded)
    text, full = facts.text, facts.full
    partial = text.startswith("Aprobadas") or (text.startswith("Cifras aprobadas") and not full)
    # Coloured bold words (they wrap on a phone; a badge would cut a long stamp with «…»).
    color, icon = ("green", "verified") if full else (("orange", "rule") if partial else ("gray", "pending"))
    st.caption(f":{color}[:material/{icon}: **{md(text)}**]" + (f" · {then}" if then else ""))


@dataclass(frozen=True)
class CutOverview:
    """What Resumen writes of a cut-off, identical for every visitor and built once per data version, view and
    cut (Junta scale: thirty officials opening the link at once share it): the counts line (indicators in each
    semáforo value, ``summary.semaforo_counts``), the phone's program cards (:func:`program_card_text`) and
    the exceptions (``summary.exceptions`` → ``formatting.exception_lines``, in severity order), each list as
    ONE Markdown text of paragraphs — one element on the page, each paragraph drawn as a box by app.py's CSS
    (``ui_resumen.lists_text``) — instead of a bordered container per entry: a Resumen visit sends ~20 messages fewer."""

    counts_line: str
    program_cards: str
    exceptions: str  # "" when no indicator is in rojo, amarillo or sin dato


@shared(max_entries=32)
def _overview(version: str, view: str, anio: int, trimestre: int, _loaded: Loaded) -> CutOverview:
    cut = _cutoff(version, view, anio, trimestre, _loaded)
    counts = summary.semaforo_counts(cut)
    pairs = list(zip(counts["semaforo"].tolist(), counts["n"].astype(int).tolist(), strict=True))
    line = ("Indicadores al corte: " + " · ".join(f"{SEMAFORO_LABELS[v]} {n}" for v, n in pairs)
            + f" · Total {sum(n for _, n in pairs)}")
    cards = [program_card_text(row) for row in
             _program_figures(version, view, anio, trimestre, _loaded).itertuples(index=False)]
    entries = [f"**{md(head)}**  \n{md(where)}  \n{md(versus)}  \n{md(why)}"
               for head, where, versus, why in (exception_lines(row)
                                                for row in summary.exceptions(cut).to_dict("records"))]
    return CutOverview(line, "\n\n".join(cards), "\n\n".join(entries))


def cut_overview(loaded: Loaded, anio: int, trimestre: int, view: str | None = None) -> CutOverview:
    """:class:`CutOverview` of the cut-off, built once per data version and cut (Junta scale: 30 officials
    opening the link at once do not each recompute it), in this person's view (approved or latest figures)
    or ``view``."""
    return _overview(loaded.dataset.version, view or figures_view(loaded, anio, trimestre), anio, trimestre,
                     loaded)


@shared(max_entries=4)
def _default_cut(version: str, _loaded: Loaded) -> tuple[list[int], tuple[int, int]]:
    plan, avances = _loaded.dataset.plan, _loaded.dataset.avances
    return summary.available_years(plan), summary.latest_cutoff(plan, avances)


def _problems_text(exc: Exception) -> list[str]:
    problems = getattr(exc, "problems", None)
    if problems:
        return [getattr(p, "mensaje", str(p)) for p in problems]
    if isinstance(exc, FileNotFoundError):
        return [f"No se encontró el archivo de datos «{exc.filename or exc}»."]
    if isinstance(exc, PermissionError):
        return [f"No hay permiso para leer el archivo de datos «{exc.filename or exc}»."]
    detail = f": {exc}" if str(exc) else ""
    return [f"Error inesperado al leer los datos ({type(exc).__name__}){detail}. Avise al área de sistemas."]


def load_current() -> Loaded:
    """The current data and engine results (cached per data version); raises on invalid or missing data."""
    return _load(data_access.current_version())


def default_cut(loaded: Loaded) -> tuple[int, int]:
    """(year, quarter) a visit starts on: the latest quarter with data."""
    return _default_cut(loaded.dataset.version, loaded)[1]


def get_data() -> Loaded:
    """The current data and engine results; on invalid/missing data shows a Spanish error and stops."""
    try:
        return load_current()
    except Exception as exc:  # noqa: BLE001 - any failure must become a Spanish message, never a traceback
        lines = _problems_text(exc)
        shown = "\n".join(f"- {line}" for line in lines[:20])
        more = (f"\n- … y {len(lines) - 20} problema más." if len(lines) == 21 else
            f"\n- … y {len(lines) - 20} problemas más." if len(lines) > 20 else "")
        kind = "no son válidos" if getattr(exc, "problems", None) else "no se pudieron leer"
        st.error(f"**Los datos del tablero {kind}.** No se muestra ninguna cifra hasta corregirlos.\n\n"
                 f"{shown}{more}", icon=":material/block:")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


APP_SCRIPT = Path(__file__).resolve().parent / "app.py"


def ensure_app_shell() -> None:
    """Run the page inside ``app.py`` (navigation, wide layout) even on a fresh server's first deep link.

    The page scripts live in ``pages/`` (the layout the users fixed).  A ``pages/`` folder makes a freshly
    started Streamlit server run its *first* script in legacy multipage mode, until ``app.py`` has called
    ``st.navigation`` once: a first visit to ``/programa`` would then run this file alone (no sidebar
    sections, no wide layout).  In that case run ``app.py`` instead — its ``st.navigation`` leaves legacy
    mode for good and runs this page again, properly — and stop this outer run.  Must be the first call
    of every page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        runpy.run_path(str(APP_SCRIPT), run_name="__main__")
        st.stop()


def require_store(disabled: str) -> Store:
    """The store, for the upload and history pages; in read-only workbook mode (no store: no uploads, no
    history) the page stops with a Spanish notice saying what is ``disabled``."""
    from mpi_dash.config import read_only_workbook
    from mpi_dash.store import Store

    if read_only_workbook():
        st.warning("El tablero está leyendo un libro de Excel en modo de solo lectura (variable "
                   f"MPI_DASH_WORKBOOK); {disabled}.", icon=":material/lock:")
        st.stop()
    return Store()


def is_embedded() -> bool:
    """True when the app was opened with ``?embed=true`` (Streamlit hides that parameter from
    ``st.query_params``, so read the session's raw query string)."""
    from urllib.parse import parse_qs

    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    values = parse_qs(getattr(ctx, "query_string", "") or "").get("embed", [])
    return any(v.strip().lower() == "true" for v in values)


#: The banner's second sentence: short, so the notice stays one line in the 1366-px header (the slides, PDF,
#: PPTX and files say the longer ``data_access.NOT_OFFICIAL``).
SCREEN_NOT_OFFICIAL = "No son cifras oficiales del MPI CDMX."


def banner(dataset: Dataset) -> None:
    """The illustrative-data banner: names the programs whose avances still hold bundled sample values
    («Datos ilustrativos en los programas 1, 2, 4, 5 y 6»); none while every value is a real one.

    Alert icons are Material icons (bundled font, ASCII name): an emoji icon — or, without ``icon=``, a
    non-ASCII body — makes Streamlit compile its emoji catalogue, ~0.25 s of a fresh server's first page.
    """
    sample_notice(dataset.programas_ilustrativos)


def sample_notice(programas: tuple[str, ...]) -> None:
    """The banner's warning for ``programas`` (the programs that still hold sample values); nothing if none."""
    if programas:
        head = data_access.illustrative_notice(programas)
        st.warning(f"**{head}.** {SCREEN_NOT_OFFICIAL}", icon=":material/warning:")


@st.cache_resource(max_entries=4, show_spinner=False)
def _sample_programs(_store: Store, version: str) -> tuple[str, ...]:
    _, snapshot = _store.load_snapshot()
    return data_access.programs_with_samples(snapshot.muestras)


def store_banner(store: Store) -> None:
    """The illustrative-data banner of the pages that read the store rather than the dashboard's data
    («Cargar avances», «Historial»): the same words as :func:`banner`, read once per data version."""
    sample_notice(_sample_programs(store, store.version_key()))


def _remember(key: str) -> None:
    st.session_state[f"_keep_{key}"] = st.session_state[key]


def _restore(key: str) -> None:
    """Keep a widget's choice across pages.

    Streamlit drops (or ignores) the state of a keyed widget when another page's widget takes over the
    key; re-assigning the value as plain session state before the widget is created makes it stick, and
    the ``_keep_`` copy covers the case where the key was already removed.
    """
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]
        return
    kept = st.session_state.get(f"_keep_{key}")
    if kept is not None:
        st.session_state[key] = kept


def _from_url(years: list[int]) -> None:
    """First visit only: take ``?anio=2023&trimestre=Junio`` (or 2, T2) from the link, if valid.

    Lets a presenter open e.g. ``/?embed=true&trimestre=2`` directly; invalid values are ignored.
    """
    if "anio" not in st.session_state:
        raw = st.query_params.get("anio", "")
        if raw.strip().isdigit() and int(raw) in years:
            st.session_state["anio"] = int(raw)
    if "trimestre" not in st.session_state:
        quarter = schema.parse_quarter(st.query_params.get("trimestre", ""))
        if quarter is not None:
            st.session_state["trimestre"] = quarter


def cutoff_selector(loaded: Loaded) -> tuple[int, int]:
    """Year + quarter selectors (default: latest quarter with data); the choice persists across pages."""
    years, (default_year, default_quarter) = _default_cut(loaded.dataset.version, loaded)
    for key in ("anio", "trimestre"):
        _restore(key)
    _from_url(years)
    if st.session_state.get("anio") not in years:
        st.session_state["anio"] = default_year
    if st.session_state.get("trimestre") not in QUARTER_OPTIONS:
        st.session_state["trimestre"] = default_quarter
    if len(years) > 1:  # one plan year: nothing to choose (the stamp line names the year)
        st.radio("Año", years, key="anio", horizontal=True, on_change=_remember, args=("anio",))
    # The stamp line under it names the cut-off in words: the label is for screen readers only.
    st.radio("Corte trimestral", QUARTER_OPTIONS, key="trimestre", horizontal=True, format_func=quarter_label,
             on_change=_remember, args=("trimestre",), label_visibility="collapsed")
    _remember("anio")
    _remember("trimestre")
    return int(st.session_state["anio"]), int(st.session_state["trimestre"])


def page_header(title: str, loaded: Loaded) -> tuple[int, int]:
    """The compact header of every dashboard page (≈ 150 px on a laptop): title and cut-off selector side by
    side (stacked on a phone), the illustrative banner in one line and the stamp («corte a Junio 2023
    (acumulado enero–junio) · Datos cargados el … por …») in plain words.  Title and selector sit side by side
    by the app's CSS (a grid on the container) rather than ``st.columns``: three messages fewer per visit."""
    with st.container(key="page_header"):
        st.title(title)
        anio, trimestre = cutoff_selector(loaded)
        banner(loaded.dataset)
        stamp_line(loaded, anio, trimestre,
                   then=f"Cifras al {cutoff_label(anio, trimestre)} · {md(figures_origin(loaded, anio, trimestre))}")
    return anio, trimestre


def program_options(plan: pd.DataFrame, anio: int) -> dict[str, str]:
    """Program number → '1. Atención integral a personas defensoras …' labels for a selector (numeric
    order; full names, never cut)."""
    part = plan.loc[plan["anio"] == anio, ["clave", "programa"]]
    labels: dict[str, str] = {}
    for clave, programa in part.itertuples(index=False):
        number = schema.program_number(clave)
        labels.setdefault(number, f"{number}. {program_name(programa)}")
    return dict(sorted(labels.items(), key=lambda kv: (not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit()
                                                       else 0, kv[0])))


def remembered_selectbox(label: str, options: list, *, key: str, format_func=str):  # noqa: ANN001, ANN201
    """A selectbox whose choice survives page switches; falls back to the first option."""
    _restore(key)
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    value = st.selectbox(label, options, placeholder="Elija una opción", key=key, format_func=format_func,
                         on_change=_remember, args=(key,))
    _remember(key)
    return value


def program_card_text(row, *, name: bool = True) -> str:  # noqa: ANN001 - a row of programs.program_figures
    """One program's result as words (Markdown, one paragraph): full name, status with icon («🟢 Verde ·
    incompleto»), value against expected, measurable indicators without data («⚠ 1 de 5 con meta o hito sin
    dato: 3.4») and informative ones without their report («Sin reporte (informativo): 2.2»)."""
    status = program_status_label(row.semaforo, row.direccion_desvio, completo=bool(row.completo),
                                  vence=row.vence_trimestre)
    graded = row.semaforo in (Semaforo.VERDE, Semaforo.AMARILLO, Semaforo.ROJO)
    value = f" — **{format_percent(row.avance_pct)}** (esperado {format_percent(row.esperado_pct)})" if graded else ""
    lines = [f"**{md(f'{row.programa}. {row.nombre}')}**"] if name else []
    lines += [f"{status}{value}", *(md(line) for line in program_missing_lines(row))]
    return "  \n".join(lines)


def program_card(row, *, name: bool = True) -> None:  # noqa: ANN001 - a row of programs.program_figures
    """:func:`program_card_text` in a bordered box (the phone's summary of one program)."""
    with st.container(border=True):
        st.markdown(program_card_text(row, name=name))


ALL_PROGRAMS = "todos"


def program_choice(plan: pd.DataFrame, anio: int, *, key: str, include_all: bool = False,
                   heading: bool = False) -> str:
    """The program to show, chosen by its number in one short row of options («Todos 1 2 3 4 5 6»: a
    selectbox would cut the long names), the choice kept across pages; the full name of the chosen
    program is written under it, whole (as a subheader with ``heading``).  Returns the program number or
    :data:`ALL_PROGRAMS`."""
    names = program_options(plan, anio)
    options = [ALL_PROGRAMS, *names] if include_all else list(names)
    _restore(key)
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    value = st.radio("Programa", options, key=key, horizontal=True, on_change=_remember, args=(key,),
                     format_func=lambda v: "Todos" if v == ALL_PROGRAMS else v)
    _remember(key)
    if value != ALL_PROGRAMS:  # the whole name: as the page's heading, or under the choice
        (st.subheader if heading else st.markdown)(md(names[value]) if heading else f"**{md(names[value])}**")
    return value


#: Up to this many rows a table (st.dataframe) is as tall as its rows: all of them visible, no scroll inside it.
TABLE_ROWS_WHOLE = 30
#: A longer table shows this much of itself and scrolls inside (about 16 rows at the app's 18-px font).
TABLE_SCROLL_PX = 680


def table_height(rows: int) -> str | int:
    """The ``height`` of an st.dataframe of ``rows`` rows: ``"content"`` (sized by the browser to its header and
    rows, whatever the font and row height: a fixed «40 + 35 px per row» showed four of program 3's five rows
    and half of the fifth at the app's 18-px font) up to :data:`TABLE_ROWS_WHOLE` rows, else
    :data:`TABLE_SCROLL_PX` with a scroll inside."""
    return "content" if rows <= TABLE_ROWS_WHOLE else TABLE_SCROLL_PX


def number_column(header: str, values: pd.Series, *, percent: bool = False):  # noqa: ANN201 - column config
    """A numeric st.dataframe column (header sorting stays numeric) shown es-MX whatever the browser locale:
    percentages with one decimal and a non-breaking space before «%», whole-number columns without decimals
    («4», never «4.0»), the others with one."""
    if percent:
        return st.column_config.NumberColumn(header, format=f"%,.1f{PERCENT_SIGN}%")
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    whole = bool((numbers == numbers.round()).all())
    return st.column_config.NumberColumn(header, format="%,.0f" if whole else "%,.1f")


_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()<>#+-.!|~$:"})


# Streamlit rewrites the TEXT of rendered Markdown after parsing it (escapes do not reach that far):
# ":material/x:" and ":smile:" become icons/emoji, "->", "<-", "--", ">=", "<=" become arrows and dashes.  An
# invisible word joiner after each ":", "-", "<", ">" keeps what a person typed exactly as typed.
_WORD_JOINER = "\u2060"
_REWRITTEN = re.compile(r"([:<>=-])")


def md(text: object) -> str:
    """Data text made inert for st.markdown (no links, images, HTML, formatting, icon or emoji shortcodes,
    arrows from uploaded data): shown exactly as typed."""
    if text is None or (isinstance(text, float) and text != text):
        return "—"
    return _REWRITTEN.sub(r"\1" + _WORD_JOINER, single_spaces(str(text)).translate(_MD_SPECIAL))
