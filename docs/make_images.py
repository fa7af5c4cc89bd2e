"""Draw the README's pictures with the package's own charts: ``python3 docs/make_images.py``.

Writes ``docs/_static/path_chart.png`` (the coefficient path of the diabetes data) and
``docs/_static/cv_chart.png`` (its 5-fold CV curve with the ``min`` and ``1se`` rules),
exported by ``vl-convert-python`` (no browser, no network). Re-run it when the charts
change, and commit the two files.
"""

from pathlib import Path

from sklearn.datasets import load_diabetes

from sklearn_lasso_tools import LassoPathReport, charts

OUT = Path(__file__).parent / "_static"


def main():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    report = LassoPathReport(cv=5, random_state=0).fit(X, y)
    for name, chart in {
        "path_chart": charts.path_chart(report, top=10),
        "cv_chart": charts.cv_chart(report),
    }.items():
        path = OUT / f"{name}.png"
        chart.save(path, scale_factor=2)  # through vl-convert-python
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
