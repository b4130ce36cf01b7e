"""Probe (not a test, not in ``make bench``): how fast do the candidate PDF engines build a report shaped
like the «Informe trimestral» — six sections, each a 10-row table with long texts and a line chart?

Candidates: typst (wheel), fpdf2, reportlab; charts drawn natively by the engine or as a matplotlib SVG.
Each variant is timed in a fresh subprocess (cold: import + first build) and then warm (median of 5 builds
in that process).  Results and the decision: docs/dev/informe_pdf.md.
Needs: pip install typst fpdf2 reportlab matplotlib (only typst is a runtime requirement of the project).

Usage:  python benchmarks/probe_pdf_engines.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

ROWS = [{"clave": f"{p}.{i}", "nombre": f"Indicador {p}.{i} de acciones de protección integral «núm. {i}»",
         "meta": f"{100 + i}", "prog": f"{10 * i}", "real": f"{9 * i}", "cump": f"{90.0 + i:.1f} %",
         "sem": ["Verde", "Amarillo ↓ rezago", "Rojo ↓ rezago", "Sin dato"][i % 4],
         "just": "Se realizaron las sesiones previstas con las personas beneficiarias; hubo retrasos por "
                 "la agenda institucional & cambios de sede (#3, $0, *nota*).",
         "evid": "Minutas y listas de asistencia en la carpeta compartida"} for p in range(1, 7) for i in range(1, 11)]
TREND = [(1, 20.0, 25.0), (2, 45.0, 50.0), (3, 70.0, 75.0), (4, None, 100.0)]
COLORS = {"Verde": "#1A7F37", "Amarillo ↓ rezago": "#D4A106", "Rojo ↓ rezago": "#C62828", "Sin dato": "#9E9E9E"}


def mpl_svg() -> bytes:
    import io

    import matplotlib
    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.2))
    xs = [q for q, _, _ in TREND]
    ax.plot(xs, [e for _, _, e in TREND], "--D", color="#8A6D3B", mfc="none", label="Esperado al corte")
    ax.plot([q for q, a, _ in TREND if a is not None], [a for _, a, _ in TREND if a is not None], "-o",
            color="#9F2241", label="Avance del programa")
    ax.set_ylim(0, 108)
    ax.set_xticks(xs, ["Marzo", "Junio", "Septiembre", "Diciembre"])
    ax.legend(loc="upper left", frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return buf.getvalue()


# ------------------------------------------------------------------ typst
TYPST_DOC = r"""
#let d = json(bytes(sys.inputs.data))
#set page(paper: "us-letter", margin: 2cm, footer: context [#h(1fr) p. #counter(page).display() de #counter(page).final().first()])
#set text(font: "Libertinus Serif", size: 9pt, lang: "es")
#for p in range(1, 7) [
  #heading[Programa #p]
  #table(columns: (auto, 2fr, auto, auto, auto, auto, auto, 2fr, 1.5fr), inset: 3pt,
    ..d.rows.filter(r => r.clave.starts-with(str(p) + ".")).map(r => (
      r.clave, r.nombre, r.meta, r.prog, r.real, r.cump,
      [#box(circle(radius: 3pt, fill: rgb(d.colors.at(r.sem)))) #r.sem], r.just, r.evid)).flatten())
  #if d.chart == "native" {
    let sx(q) = (q - 1) * 4cm + 1cm
    let sy(v) = 4cm - v / 100 * 3.6cm
    box(width: 14cm, height: 4.4cm, {
      for v in (0, 50, 100) { place(line(start: (1cm, sy(v)), end: (13.5cm, sy(v)), stroke: 0.3pt + luma(200))) }
      place(curve(stroke: (paint: rgb("#8A6D3B"), dash: "dashed", thickness: 1.2pt),
        ..d.trend.enumerate().map(((i, t)) => if i == 0 { curve.move((sx(t.at(0)), sy(t.at(2)))) } else { curve.line((sx(t.at(0)), sy(t.at(2)))) })))
      let pts = d.trend.filter(t => t.at(1) != none)
      place(curve(stroke: rgb("#9F2241") + 2pt,
        ..pts.enumerate().map(((i, t)) => if i == 0 { curve.move((sx(t.at(0)), sy(t.at(1)))) } else { curve.line((sx(t.at(0)), sy(t.at(1)))) })))
      for t in pts { place(dx: sx(t.at(0)) - 3pt, dy: sy(t.at(1)) - 3pt, circle(radius: 3pt, fill: rgb("#9F2241"))) }
    })
  } else { image("chart.svg", width: 14cm) }
]
"""


def build_typst(chart: str) -> bytes:
    import typst

    files = {"main.typ": TYPST_DOC.encode()}
    if chart == "svg":
        files["chart.svg"] = mpl_svg()
    data = json.dumps({"rows": ROWS, "colors": COLORS, "trend": TREND, "chart": chart})
    compiler = typst.Compiler(files, ignore_system_fonts=True, sys_inputs={"data": data})
    return compiler.compile(format="pdf")


# ------------------------------------------------------------------ fpdf2
def build_fpdf(chart: str) -> bytes:
    import io
    from pathlib import Path

    import matplotlib
    from fpdf import FPDF

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"   # a Unicode TTF is needed
    pdf = FPDF(format="letter")
    pdf.add_font("dejavu", fname=str(font))
    pdf.add_font("dejavu", style="B", fname=str(font.with_name("DejaVuSans-Bold.ttf")))
    pdf.set_font("dejavu", size=7)
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, 15)
    svg = mpl_svg() if chart == "svg" else None
    for p in range(1, 7):
        pdf.add_page()
        pdf.cell(text=f"Programa {p}", new_x="LMARGIN", new_y="NEXT")
        with pdf.table(col_widths=(8, 30, 9, 9, 9, 10, 16, 36, 24), text_align="LEFT") as table:
            for r in ROWS:
                if r["clave"].startswith(f"{p}."):
                    row = table.row()
                    for key in ("clave", "nombre", "meta", "prog", "real", "cump", "sem", "just", "evid"):
                        row.cell(r[key])
        if chart == "native":
            x0, y0 = 20, pdf.get_y() + 5
            sx = lambda q: x0 + (q - 1) * 40  # noqa: E731
            sy = lambda v: y0 + 40 - v / 100 * 36  # noqa: E731
            pdf.set_draw_color(138, 109, 59)
            pdf.polyline([(sx(q), sy(e)) for q, _, e in TREND])
            pdf.set_draw_color(159, 34, 65)
            pdf.polyline([(sx(q), sy(a)) for q, a, _ in TREND if a is not None])
            pdf.set_y(y0 + 45)
        else:
            pdf.image(io.BytesIO(svg), w=140)
        pdf.cell(text="p. {nb}")
    return bytes(pdf.output())


# ------------------------------------------------------------------ reportlab
def build_reportlab(chart: str) -> bytes:
    import io
    from pathlib import Path

    import reportlab
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
    style = getSampleStyleSheet()["BodyText"].clone("b", fontName="Vera", fontSize=7, leading=8)
    story = []
    for p in range(1, 7):
        story.append(Paragraph(f"Programa {p}", style))
        data = [[Paragraph(r[k].replace("&", "&amp;").replace("<", "&lt;"), style)
                 for k in ("clave", "nombre", "meta", "prog", "real", "cump", "sem", "just", "evid")]
                for r in ROWS if r["clave"].startswith(f"{p}.")]
        story.append(Table(data, colWidths=[22, 90, 26, 26, 26, 30, 50, 110, 70]))
        if chart == "native":
            d = Drawing(400, 130)
            lp = LinePlot()
            lp.x, lp.y, lp.width, lp.height = 30, 20, 350, 100
            lp.data = [[(q, e) for q, _, e in TREND], [(q, a) for q, a, _ in TREND if a is not None]]
            d.add(lp)
            story.append(d)
        else:
            from svglib.svglib import svg2rlg  # not installed: reportlab has no SVG import of its own
            story.append(svg2rlg(io.BytesIO(mpl_svg())))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build(story)
    return out.getvalue()


VARIANTS = {"typst+native": ("typst", "native"), "typst+matplotlib-svg": ("typst", "svg"),
            "fpdf2+native": ("fpdf", "native"), "fpdf2+matplotlib-svg": ("fpdf", "svg"),
            "reportlab+native": ("reportlab", "native")}


def child(name: str) -> None:
    engine, chart = VARIANTS[name]
    build = {"typst": build_typst, "fpdf": build_fpdf, "reportlab": build_reportlab}[engine]
    t0 = time.perf_counter()
    pdf = build(chart)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(5):
        t = time.perf_counter()
        build(chart)
        warm.append(time.perf_counter() - t)
    from pypdf import PdfReader
    import io
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages)
    print(json.dumps({"cold": cold, "warm": statistics.median(warm), "kb": len(pdf) / 1024,
                      "pages": len(reader.pages), "searchable": "rezago" in text and "«núm. 1»" in text}))


def main() -> None:
    print(f"load average: {os.getloadavg()}")
    print(f"{'variant':24} {'cold s':>7} {'warm s':>7} {'KB':>7} {'pages':>5} searchable")
    for name in VARIANTS:
        run = subprocess.run([sys.executable, __file__, name], capture_output=True, text=True)
        if run.returncode:
            print(f"{name:24} failed: {run.stderr.strip().splitlines()[-1]}")
            continue
        r = json.loads(run.stdout)
        print(f"{name:24} {r['cold']:7.3f} {r['warm']:7.3f} {r['kb']:7.0f} {r['pages']:5} {r['searchable']}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    child(sys.argv[1]) if len(sys.argv) > 1 else main()
