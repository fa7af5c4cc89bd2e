"""Sphinx configuration: ``python3 -m sphinx -W -b html docs docs/_build`` (offline).

API reference from the numpydoc docstrings (autosummary), a user guide, the lesson as
sphinx-gallery examples executed at build time with their Altair charts drawn interactively
by a Vega bundle served from ``_static`` (see ``sphinxext/vega_gallery.py``), the changelog
(Markdown, through myst-parser).
"""

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "sphinxext"))
sys.path.insert(0, str(HERE.parent))  # document (and run the examples on) this checkout

import sklearn_lasso_tools  # noqa: E402

project = "sklearn-lasso-tools"
author = "sklearn-lasso-tools developers"
copyright = "2026, sklearn-lasso-tools developers"
version = release = sklearn_lasso_tools.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "vega_gallery",
    "command_help",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_generated_static", "gallery", "examples", "sphinxext"]
templates_path = ["_templates"]

# API reference
autosummary_generate = True
# a class's own methods and those of this package's mixins (report_tables...), not what it
# inherits from scikit-learn (see _skip_member)
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()


def _skip_member(app, what, name, obj, skip, options):
    """Hide scikit-learn's generated metadata-routing setters (``set_fit_request``...) and
    the methods a class inherits from scikit-learn (``get_params``...), documented there."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    module = getattr(getattr(obj, "fget", obj), "__module__", None)  # (a property's getter)
    if what == "class" and module and not module.startswith("sklearn_lasso_tools"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)


# Gallery: the lesson's sections, executed at every build
sphinx_gallery_conf = {
    "examples_dirs": ["gallery"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "image_scrapers": ("vega_gallery",),  # its _get_sg_image_scraper()
    "reset_modules": (),  # no matplotlib here
    "capture_repr": ("_repr_html_", "__repr__"),
    # charts are drawn by the scraper; estimators print as text, not sklearn's diagram
    "ignore_repr_types": r"altair\.|sklearn_lasso_tools\.",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
    "write_computation_times": False,  # its page loads jQuery and DataTables from CDNs
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklearn_lasso_tools",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_lasso_tools": None},
}

# HTML: nothing loaded from the network (no math markup: MathJax would come from a CDN)
html_theme = "furo"
html_title = f"sklearn-lasso-tools {release}"
(HERE / "_generated_static").mkdir(exist_ok=True)  # the Vega bundle, written at build time
html_static_path = ["_static", "_generated_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
myst_heading_anchors = 2
