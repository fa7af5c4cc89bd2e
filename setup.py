"""Build the compiled core (``sklearn_lasso_tools._engine._core``, coordinate descent, and
``_csc``, sparse column products); metadata is in pyproject.toml."""

import sys

from Cython.Build import cythonize
from setuptools import Extension, setup

# -O3 where the compiler takes GCC's flags; MSVC's defaults (/O2) are kept
flags = [] if sys.platform == "win32" else ["-O3"]

setup(
    ext_modules=cythonize(
        [
            Extension(
                f"sklearn_lasso_tools._engine.{name}",
                [f"sklearn_lasso_tools/_engine/{name}.pyx"],
                extra_compile_args=flags,
            )
            for name in (
                "_active_factor",
                "_active_polish",
                "_core",
                "_csc",
                "_gram_path",
                "_glm_path",
                "_multinomial_cycle",
                "_row_blocks",
                "_wide",
                "_wide_newton",
            )
        ],
        compiler_directives={"language_level": 3},
    )
)
