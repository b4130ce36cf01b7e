"""The slides of :mod:`mpi_dash.slides` as ONE HTML fragment for the page «Presentación» (``st.html``).

Every slide is a 16:9 box drawn on a 1920×1080 design grid: sizes are ``calc(N * var(--u))`` with ``--u`` =
1/1920 of the box width (CSS container units), so a slide scales as a whole and fits any screen; the box is
as large as the window allows (``min(width, height · 16/9)``).  On a phone (≤ 640 px wide) the slides become
plain readable blocks that scroll.  Charts are HTML boxes (bars with percentage widths/heights): no image,
no script library, no web font — nothing is downloaded, and Streamlit's HTML sanitiser keeps them.

Navigation runs in the browser (no server round trip per slide): ← / →, PageUp / PageDown (what clickers
send), Home / End and the buttons of each slide's footer; the URL keeps ``?diapositiva=N`` (other
parameters such as ``embed=true`` are kept) so a reload or a shared link opens the same slide.

Every text from the data is escaped (:func:`html.escape`): a workbook text is shown as typed, never as
markup.  Codes (``semaforo``) only pick colours.
"""

from __future__ import annotations

from html import escape

from mpi_dash import slides as S
from mpi_dash.formatting import format_percent
from mpi_dash.slides import Bar, Deck, IndicatorRow, Slide

# Text sizes on the 1920-wide design grid (× --u): ≥ 24 px at 1920 for every text, headline figures ≥ 64 px.
BODY, SMALL, HEAD, TITLE, FIGURE = 27, 26, 34, 50, 112

CSS = """
.stMainBlockContainer:has(.mpi-deck) { padding-top: 2.9rem; padding-bottom: 0.4rem; }
/* The presenter's row (pages/presentacion.py: quarter and downloads) lies in the band over the slide that the
   page keeps for the control opening the sidebar («»», top left): out of the flow, so the slide keeps its size.
   Narrower than 1280 px it would not fit one line: there it stands in the flow over the slide (the slide is
   limited by the width there, not the height).  Hidden in full screen (the keys and the buttons of the slide
   remain). */
.stMainBlockContainer:has(.st-key-presenter_bar) { position: relative; }
.st-key-presenter_bar { flex-wrap: wrap; row-gap: 0.3rem; }
.st-key-presenter_bar [data-testid="stDownloadButton"] button { min-height: 2.1rem; padding: 0.1rem 0.8rem; }
.st-key-presenter_bar [data-testid="stRadio"] { width: auto; }
@media (min-width: 1280px) {
  [data-testid="stLayoutWrapper"]:has(> .st-key-presenter_bar) { position: absolute; top: 0.3rem; left: 4rem;
    right: 1.5rem; width: auto; z-index: 999991; }
  .st-key-presenter_bar { flex-wrap: nowrap; height: 2.3rem; }
}
:root:fullscreen [data-testid="stLayoutWrapper"]:has(> .st-key-presenter_bar) { display: none; }
.stMainBlockContainer:has(.mpi-deck.mpi-embedded) { padding-top: 0.4rem; }
/* ?embed=true: nothing over the slide (app.py hides a sidebar control name that Streamlit 1.67 no longer uses) */
.stApp:has(.mpi-deck.mpi-embedded) [data-testid="stExpandSidebarButton"] { display: none; }
.mpi-deck { --reserve: calc(3.3rem + 4px); container-type: inline-size; margin: 0 auto;
  width: min(100%, calc((100vh - var(--reserve)) * 16 / 9)); font-family: "Source Sans", "Source Sans Pro",
  "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #1B1B1B; }
.mpi-deck.mpi-embedded { --reserve: calc(0.8rem + 4px); }
.mpi-slide { --u: calc(100cqw / 1920); display: none; position: relative; box-sizing: border-box;
  aspect-ratio: 16 / 9; width: 100%; overflow: hidden; background: #FFFFFF; border: 1px solid #D9D9D9;
  padding: calc(44 * var(--u)) calc(64 * var(--u)) 0 calc(64 * var(--u)); flex-direction: column;
  font-size: calc(BODY * var(--u)); line-height: 1.22; }
.mpi-slide.is-current { display: flex; }
.mpi-slide :is(p, h2, h3, ul, li, span) { margin: 0; padding: 0; font-size: inherit; line-height: inherit; }
.mpi-slide .s-head { border-bottom: calc(5 * var(--u)) solid #9F2241; padding-bottom: calc(14 * var(--u)); }
.mpi-slide .s-kicker { font-size: calc(SMALL * var(--u)); color: #691C32; font-weight: 600; letter-spacing: .02em; }
.mpi-slide .s-title { font-size: calc(TITLE * var(--u)) !important; line-height: 1.12 !important; font-weight: 700;
  color: #1B1B1B; padding: 0 !important; }
.mpi-slide .s-sub { font-size: calc(HEAD * var(--u)); color: #333; margin-top: calc(6 * var(--u)); }
.mpi-slide .s-body { flex: 1 1 auto; min-height: 0; padding-top: calc(26 * var(--u)); display: flex;
  gap: calc(56 * var(--u)); }
.mpi-slide .s-foot { flex: 0 0 auto; display: flex; align-items: center; justify-content: space-between;
  gap: calc(24 * var(--u)); border-top: 1px solid #D9D9D9; margin: 0 calc(-64 * var(--u));
  padding: calc(10 * var(--u)) calc(40 * var(--u)); font-size: calc(SMALL * var(--u)); color: #333; }
.mpi-slide .s-meta { flex: 1 1 auto; }
.mpi-slide .s-warn { color: #6B4E00; font-weight: 700; }
.mpi-slide .s-nav { display: flex; align-items: center; gap: calc(10 * var(--u)); white-space: nowrap; }
.mpi-slide .s-nav button { font: inherit; font-size: calc(SMALL * var(--u)); border: 1px solid #9F2241; color: #9F2241;
  background: #FFF; border-radius: calc(8 * var(--u)); padding: calc(4 * var(--u)) calc(16 * var(--u));
  cursor: pointer; }
.mpi-slide .s-nav button:disabled { border-color: #BDBDBD; color: #8A8A8A; cursor: default; }
.mpi-slide .s-nav button:focus-visible { outline: 3px solid #1B1B1B; }
.mpi-counter { font-weight: 700; min-width: 4.2em; text-align: right; }
.mpi-slide .chip { display: inline-block; width: .8em; height: .8em; border-radius: 50%; margin-right: .35em;
  vertical-align: -0.05em; }
.mpi-slide .state { font-weight: 700; }
/* portada */
.mpi-slide.k-portada { background: #9F2241; color: #FFF; }
.mpi-slide.k-portada .s-body { flex-direction: column; justify-content: center; gap: calc(30 * var(--u)); padding: 0; }
.mpi-slide.k-portada .p-inst { font-size: calc(32 * var(--u)); max-width: 75%; }
.mpi-slide.k-portada .p-title { font-size: calc(76 * var(--u)); font-weight: 700; line-height: 1.08; }
.mpi-slide.k-portada .p-line { font-size: calc(36 * var(--u)); }
.mpi-slide.k-portada .p-stamp { font-size: calc(36 * var(--u)); font-weight: 700; background: #FFF; color: #691C32;
  align-self: flex-start; padding: calc(8 * var(--u)) calc(24 * var(--u)); border-radius: calc(8 * var(--u)); }
.mpi-slide.k-portada .p-warn { font-size: calc(32 * var(--u)); background: #FFF3C4; color: #4A3600; font-weight: 700;
  align-self: flex-start; padding: calc(8 * var(--u)) calc(24 * var(--u)); border-radius: calc(8 * var(--u)); }
.mpi-slide.k-portada .s-warn { color: #FFE08A; }
.mpi-slide.k-portada .s-foot { color: #FFF; border-top-color: rgba(255,255,255,.4); }
.mpi-slide.k-portada .s-nav button { background: transparent; color: #FFF; border-color: #FFF; }
.mpi-slide.k-portada .s-nav button:disabled { color: rgba(255,255,255,.6); border-color: rgba(255,255,255,.6); }
/* bars */
.mpi-slide .bullet { position: relative; height: calc(34 * var(--u)); background: #ECECEC;
  border-radius: calc(4 * var(--u)); }
.mpi-slide .bullet .fill { position: absolute; left: 0; top: 0; bottom: 0; background: #9F2241;
  border-radius: calc(4 * var(--u)); }
.mpi-slide .bullet .mark { position: absolute; top: calc(-8 * var(--u)); bottom: calc(-8 * var(--u));
  width: calc(6 * var(--u)); margin-left: calc(-3 * var(--u)); background: #1B1B1B; }
/* overview */
.mpi-slide.k-resumen .s-body { flex-direction: column; gap: 0; }
.mpi-slide .ov-row { display: grid; grid-template-columns: 40fr 19fr 26fr 15fr; align-items: center;
  column-gap: calc(20 * var(--u)); padding: calc(10 * var(--u)) 0; border-bottom: 1px solid #E0E0E0; }
.mpi-slide .ov-head { font-weight: 700; color: #691C32; font-size: calc(SMALL * var(--u)); padding-top: 0; }
.mpi-slide .ov-name { font-weight: 600; }
.mpi-slide .ov-fig { font-size: calc(SMALL * var(--u)); margin-top: calc(6 * var(--u)); }
.mpi-slide .ov-comp { font-size: calc(SMALL * var(--u)); }
/* program */
.mpi-slide .pr-left { flex: 0 0 36%; display: flex; flex-direction: column; gap: calc(14 * var(--u)); min-width: 0; }
.mpi-slide .pr-right { flex: 1 1 auto; min-width: 0; display: flex; flex-direction: column; gap: calc(12 * var(--u)); }
.mpi-slide .pr-state { font-size: calc(HEAD * var(--u)); }
.mpi-slide .pr-figure { font-size: calc(FIGURE * var(--u)); font-weight: 700; line-height: 1; color: #9F2241; }
.mpi-slide .pr-nofig { font-size: calc(HEAD * var(--u)); font-weight: 700; color: #333; }
.mpi-slide .pr-exp { font-size: calc(HEAD * var(--u)); color: #6B5229; }
.mpi-slide .pr-h { font-size: calc(HEAD * var(--u)); font-weight: 700; color: #691C32; }
.mpi-slide .ind { border-left: calc(8 * var(--u)) solid #D9D9D9; padding-left: calc(16 * var(--u)); }
.mpi-slide .ind.exc { background: #FBF3F5; }
.mpi-slide .ind .ind-value { font-weight: 700; }
.mpi-slide .ind .ind-note, .mpi-slide .ind .ind-why { font-size: calc(SMALL * var(--u)); }
/* trend */
.mpi-slide .trend { display: flex; align-items: flex-end; gap: calc(22 * var(--u)); height: calc(240 * var(--u));
  border-bottom: 2px solid #1B1B1B; padding: 0 calc(8 * var(--u)); margin-top: calc(4 * var(--u)); }
.mpi-slide .t-col { flex: 1 1 0; height: 100%; display: flex; flex-direction: column; justify-content: flex-end;
  position: relative; }
.mpi-slide .t-bar { background: #9F2241; width: 100%; }
.mpi-slide .t-mark { position: absolute; left: -8%; right: -8%; height: calc(6 * var(--u)); background: #8A6D3B; }
.mpi-slide .t-val { font-size: calc(SMALL * var(--u)); font-weight: 700; text-align: center; }
.mpi-slide .t-none { font-size: calc(SMALL * var(--u)); text-align: center; color: #333;
  padding-bottom: calc(8 * var(--u)); }
.mpi-slide .t-labels { display: flex; gap: calc(22 * var(--u)); padding: calc(4 * var(--u)) calc(8 * var(--u)) 0;
  font-size: calc(SMALL * var(--u)); line-height: 1.15; }
.mpi-slide .t-labels span { flex: 1 1 0; text-align: center; }
.mpi-slide .legend { font-size: calc(SMALL * var(--u)); color: #333; }
.mpi-slide .legend .sw { display: inline-block; width: 1.2em; height: .5em; vertical-align: .15em; margin-right: .3em; }
/* lists */
.mpi-slide.k-excepciones .s-body, .mpi-slide.k-cierre .s-body { flex-direction: column; gap: calc(16 * var(--u)); }
.mpi-slide.k-cierre .s-body li { font-size: calc(HEAD * var(--u)); margin-left: 1.1em; }
.mpi-slide.k-cierre .s-body ul { display: flex; flex-direction: column; gap: calc(20 * var(--u)); }
.mpi-slide .empty { font-size: calc(HEAD * var(--u)); }
@media (max-width: 640px) {
  .stMainBlockContainer:has(.mpi-deck) { padding-top: 3.4rem; }
  .mpi-deck { width: 100%; }
  .mpi-slide { --u: 0.62px; aspect-ratio: auto; padding: 14px 14px 0 14px; }
  .mpi-slide .s-body { flex-direction: column; }
  .mpi-slide .ov-row { grid-template-columns: 1fr; row-gap: 6px; }
  .mpi-slide .ov-head { display: none; }
  .mpi-slide .s-foot { flex-direction: column; align-items: stretch; margin: 0 -14px; padding: 8px 14px; }
  .mpi-slide .s-nav { justify-content: space-between; flex-wrap: wrap; }
  .mpi-slide .s-nav button { padding: 8px 10px; }
}
""".replace("BODY", str(BODY)).replace("SMALL", str(SMALL)).replace("HEAD", str(HEAD)) \
   .replace("TITLE", str(TITLE)).replace("FIGURE", str(FIGURE))

# Keyboard and buttons: registered once per browser tab (the page may re-render the deck), each event looks
# up the deck that is on screen now.
SCRIPT = """
(() => {
  const deck = () => document.querySelector('.mpi-deck');
  const slides = d => Array.from(d.querySelectorAll('.mpi-slide'));
  const current = d => Math.max(0, slides(d).findIndex(s => s.classList.contains('is-current')));
  const show = (d, i, focus) => {
    const all = slides(d);
    const n = Math.min(Math.max(i, 0), all.length - 1);
    all.forEach((s, k) => s.classList.toggle('is-current', k === n));
    const url = new URL(window.location.href);
    url.searchParams.set('diapositiva', String(n + 1));
    window.history.replaceState(window.history.state, '', url);
    if (focus) { const b = all[n].querySelector('[data-go="' + focus + '"]:not(:disabled)'); if (b) b.focus(); }
  };
  const go = (d, where, focus) => {
    const i = current(d), last = slides(d).length - 1;
    const to = {first: 0, prev: i - 1, next: i + 1, last: last}[where];
    if (to !== undefined) show(d, to, focus);
  };
  const d0 = deck();
  if (d0) {  // the slide asked for in the URL (?diapositiva=N), else the one the server marked
    const asked = parseInt(new URL(window.location.href).searchParams.get('diapositiva') || '', 10);
    show(d0, Number.isFinite(asked) ? asked - 1 : current(d0));
  }
  if (window.__mpiDeckKeys) return;
  window.__mpiDeckKeys = true;
  const KEYS = {ArrowRight: 'next', PageDown: 'next', ArrowLeft: 'prev', PageUp: 'prev', Home: 'first', End: 'last'};
  document.addEventListener('keydown', e => {
    const d = deck(), where = KEYS[e.key];
    if (!d || !where || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
    e.preventDefault();
    go(d, where);
  });
  document.addEventListener('click', e => {
    const b = e.target.closest && e.target.closest('.mpi-deck [data-go]');
    if (!b) return;
    const d = deck(), where = b.getAttribute('data-go');
    if (where === 'full') {
      if (document.fullscreenElement) document.exitFullscreen(); else document.documentElement.requestFullscreen();
      return;
    }
    go(d, where, where);
  });
})();
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _chip(code: str) -> str:
    return f'<span class="chip" style="background:{S.STATUS_COLORS.get(code, "#555555")}"></span>'


def _state(code: str, words: str) -> str:
    colour = S.STATUS_COLORS.get(code, "#555555")
    return f'<span class="state" style="color:{colour}">{_chip(code)}{_e(words)}</span>'


def _pct(value: float | None) -> float:
    return max(0.0, min(100.0, float(value or 0.0)))


def _bullet(bar: Bar) -> str:
    """Avance (guinda fill) against esperado (black mark) on a 0–100 % track; nothing drawn without a
    figure (the words say why)."""
    if bar.avance_pct is None:
        return ""
    mark = f'<span class="mark" style="left:{_pct(bar.esperado_pct):.2f}%"></span>' \
        if bar.esperado_pct is not None else ""
    return (f'<div class="bullet" role="img" aria-label="Avance {_e(bar.avance)}, esperado {_e(bar.esperado)}">'
            f'<span class="fill" style="width:{_pct(bar.avance_pct):.2f}%"></span>{mark}</div>')


def _figure_words(bar: Bar) -> str:
    if bar.avance_pct is None:
        return _e(bar.avance)
    return f"Avance {_e(bar.avance)} · esperado {_e(bar.esperado)}"


def _trend(points: tuple[S.TrendPoint, ...]) -> str:
    cols, labels = [], []
    for p in points:
        b = p.bar
        if b.avance_pct is None:
            word = "Pendiente" if b.semaforo == "pendiente" else "Sin cifra"
            cols.append(f'<div class="t-col"><div class="t-none">{_e(word)}</div></div>')
        else:
            # Bars use 82 % of the column height (room for the value above a 100 % bar); the mark likewise.
            mark = f'<span class="t-mark" style="bottom:{_pct(b.esperado_pct) * 0.82:.2f}%"></span>' \
                if b.esperado_pct is not None else ""
            cols.append(f'<div class="t-col"><div class="t-bar" style="height:{_pct(b.avance_pct) * 0.82:.2f}%">'
                        f'</div>{mark}</div>')
        value = "" if b.avance_pct is None else f"<br><b>{_e(format_percent(b.avance_pct, 0))}</b>"
        labels.append(f"<span>{_e(p.trimestre)}{value}</span>")
    legend = ('<div class="legend"><span class="sw" style="background:#9F2241"></span>avance del programa '
              '<span class="sw" style="background:#8A6D3B;margin-left:1em"></span>esperado al corte</div>')
    return (f'<div class="pr-h">Tendencia en el año</div><div class="trend" role="img" '
            f'aria-label="Avance por corte">{"".join(cols)}</div><div class="t-labels">{"".join(labels)}</div>'
            + legend)


def _why(justificacion: str | None) -> str:
    return f"Justificación: {_e(justificacion)}" if justificacion else "Sin justificación registrada."


def _indicator(row: IndicatorRow) -> str:
    colour = S.STATUS_COLORS.get(row.semaforo, "#D9D9D9")
    extra = ""
    if row.excepcion:
        extra = (f'<p class="ind-note">{_e(row.nota)}</p>'
                 f'<p class="ind-why">{_why(row.justificacion)}</p>')
    state = _state(row.semaforo, row.estado)
    value = state if row.valor in (row.estado, "—") else f"{_e(row.valor)} · {state}"
    return (f'<div class="ind{" exc" if row.excepcion else ""}" style="border-left-color:{colour}">'
            f'<p>{_e(row.clave)} · {_e(row.nombre)}</p><p class="ind-value">{value}</p>{extra}</div>')


def _body(slide: Slide, deck: Deck) -> str:
    if slide.kind == S.PORTADA:
        inst, corte, stamp, *rest = slide.lines
        warn = "".join(f'<p class="p-warn">{_e(t)}</p>' for t in rest)
        return (f'<p class="p-inst">{_e(inst)}</p><h2 class="p-title">{_e(slide.title)}</h2>'
                f'<p class="p-line">{_e(slide.subtitle)} · {_e(corte)}</p><p class="p-stamp">{_e(stamp)}</p>{warn}')
    if slide.kind == S.RESUMEN:
        head = ('<div class="ov-row ov-head"><span>Programa</span><span>Estado</span>'
                '<span>Avance contra lo esperado</span><span>Completitud</span></div>')
        rows = "".join(
            f'<div class="ov-row"><span class="ov-name">{_e(p.numero)}. {_e(p.nombre)}</span>'
            f'<span>{_state(p.bar.semaforo, p.bar.estado)}</span>'
            f'<span>{_bullet(p.bar)}<p class="ov-fig">{_figure_words(p.bar)}</p></span>'
            f'<span class="ov-comp">{_e(p.completitud_corta)}</span></div>' for p in slide.programs)
        empty = "".join(f'<p class="empty">{_e(t)}</p>' for t in slide.lines)
        return head + rows + empty
    if slide.kind == S.PROGRAMA and slide.program is not None:
        p = slide.program
        figure = (f'<p class="pr-figure">{_e(p.bar.avance)}</p><p class="pr-exp">esperado al corte '
                  f'{_e(p.bar.esperado)}</p>' if p.bar.avance_pct is not None
                  else f'<p class="pr-nofig">{_e(p.bar.avance)}</p>')
        left = (f'<div class="pr-left"><p class="pr-state">{_state(p.bar.semaforo, p.bar.estado)}</p>{figure}'
                f'{_bullet(p.bar)}<p>{_e(p.completitud)}</p>{_trend(slide.trend) if slide.trend else ""}</div>')
        title = "Indicadores" + (f" ({slide.part[0]} de {slide.part[1]})" if slide.part[1] > 1 else "")
        right = (f'<div class="pr-right"><p class="pr-h">{title}</p>'
                 + "".join(_indicator(i) for i in slide.indicators) + "</div>")
        return left + right
    if slide.kind == S.EXCEPCIONES:
        items = "".join(
            f'<div class="ind exc" style="border-left-color:{S.STATUS_COLORS.get(r.semaforo, "#555555")}">'
            f'<p>{_state(r.semaforo, r.estado)} · {_e(r.clave)} · {_e(r.nombre)} · {_e(r.programa)}</p>'
            f'<p class="ind-note">{_e(r.versus)}</p></div>' for r in slide.exceptions)
        return items + "".join(f'<p class="empty">{_e(t)}</p>' for t in slide.lines)
    return "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in slide.lines) + "</ul>"


def _kicker(slide: Slide, deck: Deck) -> str:
    words = {S.RESUMEN: "Resumen", S.PROGRAMA: "Programa", S.EXCEPCIONES: "Excepciones", S.CIERRE: "Cierre"}
    kicker = words.get(slide.kind, "")
    if slide.part[1] > 1:
        kicker += f" · {slide.part[0]} de {slide.part[1]}"
    return kicker


def nav_buttons(first: bool, last: bool) -> tuple[tuple[str, bool, str, str], ...]:
    """(data-go, disabled, tooltip, label) of the footer buttons; the counter goes after «Anterior»."""
    return (("first", first, "Primera (Inicio)", "Primera"), ("prev", first, "Anterior (← o RePág)", "← Anterior"),
            ("next", last, "Siguiente (→ o AvPág)", "Siguiente →"), ("last", last, "Última (Fin)", "Última"),
            ("full", False, "Pantalla completa (Esc para salir)", "Pantalla completa"))


def _slide(slide: Slide, n: int, deck: Deck, current: int) -> str:
    total = len(deck.slides)
    head = "" if slide.kind == S.PORTADA else (
        f'<header class="s-head"><p class="s-kicker">{_e(_kicker(slide, deck))}</p>'
        f'<h2 class="s-title">{_e(slide.title)}</h2>'
        + (f'<p class="s-sub">{_e(slide.subtitle)}</p>' if slide.subtitle and slide.kind != S.PROGRAMA else "")
        + "</header>")
    warn = f' · <span class="s-warn">{_e(deck.aviso_ilustrativo)}</span>' if deck.ilustrativo else ""
    meta = f'Cifras al {_e(deck.corte)} · {_e(deck.stamp)}{warn}'
    first, last = n == 1, n == total
    buttons = "".join(
        f'<button type="button" data-go="{go}" {"disabled" if off else ""} title="{hint}">{label}</button>'
        + (f'<span class="mpi-counter" aria-live="polite">{n} / {total}</span>' if go == "prev" else "")
        for go, off, hint, label in nav_buttons(first, last))
    nav = f'<nav class="s-nav" aria-label="Navegación de la presentación">{buttons}</nav>'
    return (f'<section class="mpi-slide k-{slide.kind}{" is-current" if n == current else ""}" data-n="{n}" '
            f'aria-label="Diapositiva {n} de {total}">{head}<div class="s-body">{_body(slide, deck)}</div>'
            f'<footer class="s-foot"><span class="s-meta">{meta}</span>{nav}</footer></section>')


def render_deck(deck: Deck, current: int = 1, *, embedded: bool = False) -> str:
    """The whole deck as one HTML fragment (style, slides, script); slide ``current`` (1-based, clamped)
    shown first — the browser then follows ``?diapositiva=N`` of its URL."""
    current = min(max(int(current), 1), max(len(deck.slides), 1))
    body = "".join(_slide(s, n, deck, current) for n, s in enumerate(deck.slides, 1))
    return (f"<style>{CSS}</style><div class=\"mpi-deck{' mpi-embedded' if embedded else ''}\" "
            f"data-total=\"{len(deck.slides)}\">{body}</div><script>{SCRIPT}</script>")
