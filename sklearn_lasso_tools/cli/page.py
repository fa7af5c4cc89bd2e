"""The CLI's offline HTML report: one page, charts drawn by an inlined Vega bundle.

Only the command line (``_cli``) imports this module; nothing here fits a model.
"""

import html
import platform
import warnings
from datetime import datetime, timezone
from typing import NamedTuple

import numpy as np
import sklearn

from .._engine.support import support
from .._estimators.correlated import groups_note
from .._validation import Rule
from ..charts._data import scoring_name

GROUP_THRESHOLD = 0.9  # |corr| that makes a correlated group in the report's note
MAX_EVENT_ROWS = 200  # path events listed in the page (wide data can have thousands)
SHOWN_ROWS = 15  # rows of a long table shown until the reader asks for all of them

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #eee; }
th { background: #f6f6f6; } td:first-child, th:first-child { text-align: left; }
.note { background: #fff8e1; padding: 0.5em 1em; border-left: 4px solid #f0b400; }
.long { overflow-x: auto; }
.long summary { cursor: pointer; color: #1f5fa8; margin: 0.4em 0; font-size: 0.9em; }
.long:has(> details:not([open])) tbody tr:nth-child(n+16) { display: none; }  /* SHOWN_ROWS + 1 */
.long details[open] .closed, .long details:not([open]) .opened { display: none; }
footer { margin-top: 3em; font-size: 0.85em; color: #555; }
"""


def _table(frame, index=True):
    """A DataFrame as an HTML table (values escaped, numbers to 4 significant digits)."""
    return frame.to_html(
        index=index, float_format="{:.4g}".format, na_rep="", border=0, escape=True
    )


def _long_table(frame, index=True):
    """A table of any length with every row in the page: past ``SHOWN_ROWS`` rows, the
    first ones show and a "show all N rows" toggle under the table shows the rest (CSS
    only; a browser without ``:has`` shows them all)."""
    table = _table(frame, index=index)
    n = len(frame)
    if n <= SHOWN_ROWS:
        return table
    return (
        f'<div class="long">{table}\n<details><summary><span class="closed">'
        f"show all {n} rows (first {SHOWN_ROWS} shown)</span>"
        f'<span class="opened">show the first {SHOWN_ROWS} of {n} rows only</span>'
        "</summary></details></div>"
    )


def _chart_script(chart, div_id):
    """A ``<div>`` and the call that draws ``chart`` into it with the inlined vegaEmbed."""
    spec = chart.to_json(indent=None).replace("</", "<\\/")
    return (
        f'<div id="{div_id}"></div>\n<script type="text/javascript">\n'
        f'vegaEmbed("#{div_id}", {spec}, {{"mode": "vega-lite"}}).catch(console.error);\n'
        "</script>"
    )


class RuleChoice(NamedTuple):
    """The strength a ``--rule`` picked: its label, alpha, kept features and any note."""

    label: str
    alpha: float
    kept: object
    note: str


def rule_choice(report, rule):
    """What ``rule`` ("min", "1se" or a feature budget k) picks on a fitted report; the
    budget's fallback warning becomes ``note`` rather than a traceback-like warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        index = report.rule_index(rule)
    note = " ".join(str(w.message) for w in caught if issubclass(w.category, UserWarning))
    label = f"alpha_{rule}" if isinstance(rule, str) else f"the budget of {rule} features"
    coef = report.coefs_[index]
    kept = report.feature_names_[support(coef)]
    return RuleChoice(label, float(report.alphas_[index]), kept, note)


def correlated_note(report, rule):
    """The correlated-groups note for the features kept at ``rule`` ("" if none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the budget's note is given once
        return groups_note(report.correlated_groups(GROUP_THRESHOLD, rule), GROUP_THRESHOLD)


def _events_section(report):
    events = report.path_events()
    shown = events.head(MAX_EVENT_ROWS)
    more = f" (the first {len(shown)} of {len(events)})" if len(events) > len(shown) else ""
    exits = int((events["event"] == "exit").sum())
    flips = int((events["event"] == "sign flip").sum())
    return (
        f"<p>Each feature's entries, exits and sign flips along the path{more}: the step "
        f"(grid index) and alpha where the change first shows, the nonzero count and the mean "
        f"CV score there. {exits} exit(s) and {flips} sign flip(s): features that leave "
        f"or change sign are the fragile part of the story.</p>\n"
        f"{_long_table(shown, index=False)}"
    )


def stability_note(report):
    """One line on the stable features and the error bounds (None without n_bootstrap)."""
    if not hasattr(report, "stability_result_"):
        return None
    stable = report.stable_features_
    text = (
        f"stability selection ({report.stability_result_.n_pairs} complementary pairs of "
        f"half-samples): {len(stable)} stable (frequency >= {report.stability_threshold:g} "
        f"for alpha >= {report.stability_alpha_:.4g}): {', '.join(map(str, stable)) or 'none'}; "
        f"expected false selections <= {report.stability_bound_:.3g} (Meinshausen-Buhlmann)"
    )
    if np.isfinite(report.stability_bound_unimodal_):
        text += f", <= {report.stability_bound_unimodal_:.3g} if unimodal (Shah-Samworth)"
    return text


def _stability_section(report):
    note = stability_note(report)
    if note is None:
        return ""
    from ..charts import stability_chart

    return f"""
<h2>Stability selection</h2>
<p>Each feature's selection frequency over half-samples along the path; the shaded region
keeps Meinshausen &amp; B&uuml;hlmann's bound on the expected number of false selections at
most {report.pfer:g}; the summary's <code>stability</code> column is the largest frequency
there.</p>
<p class="note">{html.escape(note)}.</p>
{_chart_script(stability_chart(report), "stability-chart")}
"""


def _vega_bundle():
    """vega, vega-lite and vega-embed as one script, from ``vl-convert-python`` (offline);
    built once per process (it takes a few seconds)."""
    import vl_convert
    from altair.utils.html import vl_version_for_vl_convert

    return vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())


def render_report(report, comparison, meta):
    """The whole page as a string.

    Parameters
    ----------
    report : LassoPathReport
        Fitted with cross-validation.
    comparison : PenaltyComparison
    meta : dict
        ``source``, ``n_samples``, ``n_features``, ``folds``, ``seed``, ``rule``,
        ``version``, ``notes`` (list of str), ``warnings`` (list of str).
    """
    esc = html.escape
    n = meta["n_samples"]
    rule = meta["rule"]
    alphas = {name: getattr(report, f"alpha_{name}_") for name in Rule.ALL}
    choice = rule_choice(report, rule)
    kept = choice.kept
    notes = "".join(f'<p class="note">{esc(note)}</p>' for note in meta["notes"])
    strengths = "".join(
        f"<li><b>alpha_{name}</b> = {alpha:.4g} (C = {1 / (alpha * n):.4g}): "
        f"{len(report.selected_features(name))} features</li>"
        for name, alpha in alphas.items()
    )
    if not isinstance(rule, str):
        strengths += (
            f"<li><b>{esc(choice.label)}</b>: alpha = {choice.alpha:.4g} "
            f"(C = {1 / (choice.alpha * n):.4g}), {len(kept)} features</li>"
        )
    story = "".join(
        f'<p class="note">{esc(text)}</p>'
        for text in (choice.note, correlated_note(report, rule))
        if text
    )
    side_by_side = ""
    groups = getattr(comparison, "groups", None)
    if groups is not None and not groups.empty:
        side_by_side = (
            "<p>Correlated groups of the best L1 model, with each penalty's coefficients "
            f"(caller's scale) side by side:</p>\n{_table(groups, index=False)}"
        )
    best = comparison.best[["l1_ratio", "C", "alpha", "n_nonzero", "cv_mean", "cv_se"]]
    warned = ""
    if meta["warnings"]:
        first = esc(meta["warnings"][0])
        warned = f"<li>{len(meta['warnings'])} warning(s) while fitting, e.g.: {first}</li>"
    title = f"L1 path of {meta['source']}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{esc(title)}</title>
<style>{STYLE}</style>
<script type="text/javascript">
{_vega_bundle()}
</script>
</head>
<body>
<h1>{esc(title)}</h1>
<p>{n} samples, {meta["n_features"]} features, task: {esc(report.task_)},
{meta["folds"]}-fold cross-validation scored by {esc(scoring_name(report))}.</p>
{notes}
<ul>{strengths}</ul>
<p>Kept at {esc(choice.label)} ({len(kept)}): {esc(", ".join(map(str, kept))) or "none"}.</p>
{story}

<h2>Regularization path and cross-validation</h2>
<p>Coefficients (standardized) along the path, with the CV score (mean &plusmn; 1 SE);
the rules mark alpha_min (best mean score) and alpha_1se (sparsest within one SE).</p>
{_chart_script(report.chart(), "path-chart")}

<h2>Per-feature summary</h2>
<p>Entry order along the path, coefficients (caller's scale) at both rules, and the share
of CV folds that select each feature.</p>
{_long_table(report.summary())}
{_stability_section(report)}

<h2>Path events</h2>
{_events_section(report)}

<h2>Penalty comparison: L1, L2, elastic net</h2>
<p>Best strength of each penalty on the same folds.</p>
{_table(best)}
{side_by_side}
{_chart_script(comparison.chart(), "comparison-chart")}

<h2>Path table</h2>
{_long_table(report.path_table(), index=False)}

<footer>
<h2>Reproducibility</h2>
<ul>
<li>sklearn-lasso-tools {esc(meta["version"])}, scikit-learn {esc(sklearn.__version__)},
numpy {esc(np.__version__)}, Python {esc(platform.python_version())}</li>
<li>data: {esc(meta["source"])}; folds: {meta["folds"]}; seed (random_state):
{meta["seed"]}; rule: {esc(str(rule))}</li>
<li>alpha_min_ = {alphas["min"]:.6g} (C = {1 / (alphas["min"] * n):.6g}); alpha_1se_ =
{alphas["1se"]:.6g} (C = {1 / (alphas["1se"] * n):.6g}); C = 1 / (alpha &times; n_samples)</li>
{warned}
<li>generated {datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}</li>
</ul>
</footer>
</body>
</html>
"""


__all__ = ["render_report"]
