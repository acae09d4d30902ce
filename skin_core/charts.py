"""Plotly figure builders for the app (probabilities, model comparison, what-if sweeps, model-card plots).

Plain functions, data in -> `go.Figure` out, so they can be tested without Streamlit. Colours come from the
colour-blind-safe palette (plotly's "Safe"); every bar carries its value as text so colour is never the only cue.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from .data import MALIGNANT
from .i18n import percent, short_class_name as class_name, status_key, status_name, t

PALETTE = qualitative.Safe
PRIMARY = "#1f6f8b"
MUTED = "#9aa5b1"
BAND_FILL = {"uncertain": ("#e0b84f", 0.18)}  # what-if bands: (colour, opacity) by status; refusals use MUTED


def _layout(fig: go.Figure, title: str | None = None, height: int = 320) -> go.Figure:
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), font=dict(size=13))
    return fig


def probability_bars(probs: dict[str, float], lang: str, highlight: str | None = None, height: int = 360) -> go.Figure:
    """Horizontal bars of every class's calibrated probability, most likely at the top."""
    items = sorted(probs.items(), key=lambda kv: kv[1])
    names = [class_name(c, lang) for c, _ in items]
    values = [p for _, p in items]
    colours = [PRIMARY if c == highlight else MUTED for c, _ in items]
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", marker_color=colours,
                           text=[percent(v) for v in values], textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    # the 50 % line is drawn but not labelled: in a narrow column beside long class names "50%" and "100%" touch
    fig.update_xaxes(range=[0, 1.2], tickvals=[0, 0.5, 1], ticktext=["0%", "", "100%"], tickangle=0,
                     title=t("chart.probability", lang))
    fig.update_yaxes(automargin=True, tickfont=dict(size=11))
    fig = _layout(fig, height=height)
    fig.update_layout(margin=dict(r=48))  # room for the top bar's percentage
    return fig


def compare_bars(results: dict[str, dict[str, float]], lang: str, k: int = 5) -> go.Figure:
    """Grouped horizontal bars: each model's probability for the k classes most likely under any model, and the two
    cancers, most likely at the top. Horizontal, so a phone's width goes to the bars and their labels."""
    best: dict[str, float] = {}
    for probs in results.values():
        for c, p in probs.items():
            best[c] = max(best.get(c, 0.0), p)
    classes = sorted(best, key=best.get, reverse=True)[:k]
    classes += [c for c in MALIGNANT if c in best and c not in classes]  # the cancers behind an urgent row, always
    fig = go.Figure()
    for i, (model, probs) in enumerate(results.items()):
        vals = [probs.get(c, 0.0) for c in classes]
        fig.add_bar(name=model, y=[class_name(c, lang) for c in classes], x=vals, orientation="h",
                    marker_color=PALETTE[i % len(PALETTE)], text=[percent(v, 0) for v in vals],
                    textposition="outside", textfont=dict(size=11), cliponaxis=False,
                    hovertemplate=f"{model} · %{{y}}: %{{x:.1%}}<extra></extra>")
    fig.update_xaxes(range=[0, 1.15], tickvals=[0, 0.5, 1], ticktext=["0%", "50%", "100%"],
                     title=t("chart.probability", lang))
    fig.update_yaxes(autorange="reversed", automargin=True)  # the first model's bar on top of each group
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05, uniformtext=dict(minsize=10, mode="show"))
    return _layout(fig, height=140 + 18 * len(classes) * max(len(results), 1))


def before_after_bars(before: dict[str, float], after: dict[str, float], lang: str, k: int = 5) -> go.Figure:
    """Original vs changed photo: probabilities of the k classes most likely in either."""
    union = list(before) + [c for c in after if c not in before]  # a fixed order, so ties always break the same way
    classes = sorted(union, key=lambda c: max(before.get(c, 0), after.get(c, 0)), reverse=True)[:k]
    names = [class_name(c, lang) for c in classes]
    fig = go.Figure()
    for label, probs, colour in ((t("chart.before", lang), before, PALETTE[0]), (t("chart.after", lang), after, PALETTE[1])):
        vals = [probs.get(c, 0.0) for c in classes]
        fig.add_bar(name=label, x=names, y=vals, marker_color=colour, text=[percent(v, 0) for v in vals],
                    textposition="outside", cliponaxis=False)
    fig.update_yaxes(range=[0, 1.1], tickformat=".0%", title=t("chart.probability", lang))
    fig.update_layout(barmode="group")
    return _layout(fig, height=320)


def sweep_lines(sweep, lang: str, axis_label: str, current: float | None = None, k: int = 3) -> go.Figure:
    """Probability of the top-k classes (at the neutral value) as one transform varies, and of any class that
    leads at another value (a melanoma that blur pushes to the top is drawn, not only summed in the cancers' line)."""
    fig = go.Figure()
    symbols = ("circle", "square", "diamond", "triangle-up", "x")
    top = sweep.top_classes(k)
    for i, c in enumerate((top + [c for c in sweep.leaders() if c not in top])[:len(symbols)]):
        hover = [f"{class_name(c, lang)} · {axis_label} {v:g}: {percent(p)} ({status_name(s, lang, q)})"
                 for v, p, s, q in zip(sweep.values, sweep.series(c), sweep.statuses, sweep.quality_issues)]
        fig.add_scatter(x=sweep.values, y=sweep.series(c), mode="lines+markers", name=class_name(c, lang),
                        line=dict(color=PALETTE[i % len(PALETTE)], width=3, dash=("solid", "dash", "dot")[i % 3]),
                        marker=dict(symbol=symbols[i % len(symbols)], size=9), hovertext=hover, hoverinfo="text")
    keys = [status_key(s, q) for s, q in zip(sweep.statuses, sweep.quality_issues)]  # "too blurry to tell", too
    for i, (x0, x1, status) in enumerate(_status_runs(sweep.values, keys)):
        # a hedge gets a light tint, a refusal a grey; the edge lines keep two neighbouring bands apart, and
        # every other label sits a line lower so two narrow neighbours' names do not run together
        fill, alpha = BAND_FILL.get(status, (MUTED, 0.3))
        fig.add_vrect(x0=x0, x1=x1, fillcolor=_rgba(fill, alpha), layer="below",
                      line=dict(color=fill, width=1.5), annotation_text=status_name(status, lang),
                      annotation_position="top left", annotation=dict(font_size=11, yshift=-14 * (i % 2)))
    warned = sweep.quality_warned()
    if warned:  # where the Analyze page would stop at its quality warning (the caption under the chart lists them)
        fig.add_scatter(x=warned, y=[1.04] * len(warned), mode="markers", name=t("chart.quality_warning", lang),
                        marker=dict(symbol="triangle-down", size=11, color="#b8860b"), hoverinfo="x+name",
                        hoverlabel=dict(namelength=-1))
    flagged = sweep.cancer_values()
    if flagged:  # where the Analyze page would raise its cancer banner (the warning under the chart lists them)
        mal = [sum(p) for p in zip(*(sweep.series(c) for c in MALIGNANT))]
        name = t("chart.malignancy_sum", lang)
        fig.add_scatter(x=sweep.values, y=mal, mode="lines", name=name, line=dict(color="#c0392b", width=2,
                        dash="dashdot"), hovertext=[f"{name} · {axis_label} {v:g}: {percent(p)}"
                                                    for v, p in zip(sweep.values, mal)], hoverinfo="text")
        fig.add_scatter(x=flagged, y=[1.12] * len(flagged), mode="markers", name=t("chart.cancer_warning", lang),
                        marker=dict(symbol="star", size=13, color="#c0392b"), hoverinfo="x+name",
                        hoverlabel=dict(namelength=-1))
    if current is not None:  # a legend entry, not a label: it cannot land on a band's status name
        fig.add_scatter(x=[current, current], y=[0, 1.0], mode="lines", name=t("chart.current", lang),
                        line=dict(color="#444", dash="dot", width=2), hoverinfo="skip")
    # headroom above 100 %: the warning marks at 104 % and 112 %, the band labels above them, so nothing collides
    fig.update_yaxes(range=[0, 1.4], tickvals=[0, 0.25, 0.5, 0.75, 1], tickformat=".0%",
                     title=t("chart.probability", lang))
    fig.update_xaxes(title=axis_label)
    return _layout(fig, height=380)


def _rgba(hex_colour: str, alpha: float) -> str:
    """'#9aa5b1', 0.3 -> 'rgba(154,165,177,0.3)': a see-through fill whose edge line stays solid."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _status_runs(values: list[float], statuses: list[str]) -> list[tuple[float, float, str]]:
    """(x0, x1, status) for each run of neighbouring sweep values whose status is not a plain answer ("ok"),
    spanning halfway to the neighbours, so the chart shows where the app would refuse or hedge."""
    edges = [values[0]] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1]]
    runs: list[tuple[float, float, str]] = []
    for i, status in enumerate(statuses):
        if status == "ok":
            continue
        if runs and runs[-1][2] == status and statuses[i - 1] == status:
            runs[-1] = (runs[-1][0], edges[i + 1], status)
        else:
            runs.append((edges[i], edges[i + 1], status))
    return runs


def confusion_heatmap(matrix: list[list[int]], classes: list[str], lang: str) -> go.Figure:
    """Row-normalised confusion matrix (share of each true class), counts in the hover and the cells."""
    cm = np.asarray(matrix, dtype=float)
    rows = cm.sum(axis=1, keepdims=True)
    share = np.divide(cm, rows, out=np.zeros_like(cm), where=rows > 0)
    names = [class_name(c, lang) for c in classes]
    fig = go.Figure(go.Heatmap(z=share, x=names, y=names, colorscale="Cividis", zmin=0, zmax=1,
                               text=cm.astype(int), texttemplate="%{text}", customdata=share,
                               hovertemplate=f"{t('report.true', lang)}: %{{y}}<br>{t('report.predicted', lang)}: %{{x}}"
                                             "<br>n=%{text} (%{customdata:.0%})<extra></extra>",
                               colorbar=dict(tickformat=".0%", title=dict(text=t("report.row_share", lang), side="top",
                                                                          font=dict(size=12)),
                                             orientation="h", y=-0.38, yanchor="top",
                                             thickness=12, len=0.6)))  # below: the matrix keeps a phone's width
    fig.update_yaxes(autorange="reversed", title=t("report.true", lang))
    # upright labels: on a phone's 11 narrow columns, slanted long names (Korean has no spaces to break) overlap
    fig.update_xaxes(title=t("report.predicted", lang), tickangle=-90, tickfont=dict(size=11))
    return _layout(fig, height=640)


def reliability_diagram(bins: list[dict], lang: str) -> go.Figure:
    """Accuracy per confidence bin (bars, labelled with the bin's photo count) and the bin's mean confidence (a
    marker on the same bar): a calibrated bar reaches its marker, so the gap between them is that bin's error."""
    fig = go.Figure()
    centres = [(b["lo"] + b["hi"]) / 2 for b in bins]
    fig.add_bar(x=centres, y=[b["accuracy"] for b in bins],
                width=[b["hi"] - b["lo"] for b in bins], marker_color=PALETTE[0], name=t("report.accuracy", lang),
                customdata=[b["n"] for b in bins], text=[f"n={b['n']}" for b in bins], textposition="outside",
                textangle=-90, textfont=dict(size=10), cliponaxis=False,  # upright: neighbours never overlap
                hovertemplate="%{x:.0%}: %{y:.0%} (n=%{customdata})<extra></extra>")
    fig.add_scatter(x=centres, y=[b["confidence"] for b in bins], mode="markers",
                    marker=dict(color=PALETTE[1], size=9, symbol="line-ew", line=dict(width=3, color=PALETTE[1])),
                    name=t("report.mean_confidence", lang), hovertemplate="%{y:.0%}<extra></extra>")
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dash", color="#444"),
                    name=t("report.perfect", lang))
    fig.update_xaxes(range=[0, 1], tickvals=[0, 0.25, 0.5, 0.75, 1], tickformat=".0%", title=t("report.confidence", lang))
    fig.update_yaxes(range=[0, 1.2], tickvals=[0, 0.25, 0.5, 0.75, 1], tickformat=".0%", title=t("report.accuracy", lang))
    return _layout(fig, height=420)


def roc_curve(ood: dict, lang: str) -> go.Figure:
    """ROC of the unknown-condition score; a curve stored thinned without its end gets (1, 1) back (every ROC ends
    there: flag everything)."""
    fpr, tpr = list(ood.get("fpr", [])), list(ood.get("tpr", []))
    if fpr and (fpr[-1], tpr[-1]) != (1.0, 1.0):
        fpr, tpr = fpr + [1.0], tpr + [1.0]
    fig = go.Figure()
    fig.add_scatter(x=fpr, y=tpr, mode="lines", line=dict(color=PALETTE[0], width=3),
                    name=f"AUROC {ood.get('auroc', float('nan')):.3f}")
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dash", color="#444"), name=t("report.chance", lang))
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title=t("report.fpr", lang))
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", title=t("report.tpr", lang))
    return _layout(fig, height=380)


def group_accuracy_bars(groups: dict, lang: str) -> go.Figure:
    """Accuracy per group ({name: {accuracy, n}}) with Wilson 95 % error bars, n in the bar labels; groups without
    images are left out. The bars of a dozen photos are wide, and the chart says so."""
    from .metrics import proportion_ci95

    items = [(g, v) for g, v in (groups or {}).items() if v.get("accuracy") is not None]
    acc = [v["accuracy"] for _, v in items]
    cis = [proportion_ci95(v["accuracy"], v["n"]) or [a, a] for a, (_, v) in zip(acc, items)]
    fig = go.Figure(go.Bar(
        x=[g for g, _ in items], y=acc, marker_color=PALETTE[2],
        error_y=dict(type="data", symmetric=False, array=[hi - a for a, (_, hi) in zip(acc, cis)],
                     arrayminus=[a - lo for a, (lo, _) in zip(acc, cis)], color="#444", thickness=1.5, width=8),
        text=[f"{percent(v['accuracy'])} (n={v['n']})" for _, v in items],
        textposition="inside", insidetextanchor="start", textfont=dict(color="#1b1b1b"),
        customdata=[[percent(lo), percent(hi)] for lo, hi in cis],
        hovertemplate="%{x}: %{y:.1%} (95 % CI %{customdata[0]} - %{customdata[1]})<extra></extra>"))
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title=t("report.accuracy", lang))
    fig.update_xaxes(title=t("report.group", lang))
    return _layout(fig, height=300)


def iou_histogram(values: list[float], lang: str) -> go.Figure:
    fig = go.Figure(go.Histogram(x=values, xbins=dict(start=0, end=1.0001, size=0.05), marker_color=PALETTE[3]))
    fig.update_xaxes(range=[0, 1], title="IoU")
    fig.update_yaxes(title=t("report.images", lang))
    return _layout(fig, height=300)
