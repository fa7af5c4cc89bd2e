"""How a fitted LassoPathReport shows itself: its chart (Altair), the options the notebook
display draws it with, and the display protocols (Jupyter's mime bundle, marimo's
``_display_``). A mixin of ``LassoPathReport``."""

import inspect

from .._validation import (
    Rule,
)
from .correlated import groups_note

__all__ = ["ReportDisplay"]


class ReportDisplay:
    """The chart and notebook display of a fitted :class:`LassoPathReport`."""

    def chart(self, top=10, *, standardized=True, multiclass="norm", max_rows=4000, events="auto"):
        """The coefficient path linked with the CV curve, as an Altair chart.

        Drag across either panel to shade that range of alpha in both. See
        :func:`sklearn_lasso_tools.charts.report_chart`.

        Parameters
        ----------
        top : int, default=10
            The first ``top`` features to enter are coloured and labelled.
        standardized : bool, default=True
            Plot ``coef * feature std``; ``False`` plots the caller's scale.
        multiclass : {"norm", "class"}, default="norm"
            Multinomial paths: each feature's norm across classes, or one line per class.
        max_rows : int, default=4000
            Row budget per dataset; further grey lines become a band.
        events : bool or "auto", default="auto"
            Markers where coloured features exit or flip sign (see :meth:`path_events`);
            "auto" draws them when there are at most 20.

        Returns
        -------
        alt.VConcatChart, or alt.LayerChart without ``cv``
        """
        from ..charts import report_chart

        return report_chart(
            self,
            top=top,
            standardized=standardized,
            multiclass=multiclass,
            max_rows=max_rows,
            events=events,
        )

    _chart_options = {}  # (what set_chart_options stored; the class default: chart's own)

    def set_chart_options(self, **options):
        """Options of the chart the notebook display draws (what ``%lasso_path --top``
        sets): any keyword of :meth:`chart`.

        Returns
        -------
        self : LassoPathReport
        """
        allowed = set(inspect.signature(self.chart).parameters)
        unknown = sorted(set(options) - allowed)
        if unknown:
            raise TypeError(
                f"set_chart_options got unexpected keyword argument(s) {unknown}; "
                f"the chart takes {sorted(allowed)}."
            )
        self._chart_options = dict(options)
        return self

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Notebook display: the chart (drawn offline; a PNG of it for viewers without
        JavaScript), with the path table as the text fallback. See ``charts.display``."""
        if not hasattr(self, "coefs_"):
            return super()._repr_mimebundle_(include=include, exclude=exclude)
        from ..charts.display import _mimebundle

        text = f"{self!r}\n{self.path_table().to_string(float_format='{:.4g}'.format)}"
        if hasattr(self, "correlations_"):
            note = groups_note(self.correlated_groups(0.9, Rule.ONE_SE), 0.9)
            text += f"\n\n{note}" if note else ""
        chart = self.chart(**self._chart_options)
        return _mimebundle(chart, text, include=include, exclude=exclude)

    @property
    def _display_(self):
        # marimo's display protocol (it runs no magics and no Jupyter widgets): a fitted
        # report shows as its Altair chart, which marimo draws itself; unfitted, marimo
        # falls back to the estimator's own display.
        if not hasattr(self, "coefs_"):
            raise AttributeError("an unfitted LassoPathReport has no chart")
        return lambda: self.chart(**self._chart_options)

    @property
    def _repr_html_(self):
        # Fitted, the chart is the display: without this, IPython would add scikit-learn's
        # estimator diagram as text/html beside it, and front ends prefer HTML to images.
        if hasattr(self, "coefs_"):
            raise AttributeError("a fitted LassoPathReport displays as its chart")
        return super()._repr_html_
