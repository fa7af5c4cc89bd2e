"""``.. command-help:: NAME``: the help text of the command line (``cli``) or of a magic
(``lasso_path``, ``compare_penalties``) as a literal block, taken from the parsers
themselves so the docs cannot drift from the code."""

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def help_text(name):
    if name == "cli":
        from sklearn_lasso_tools.cli.command import build_parser

        parser = build_parser()
        parser.prog = "sklearn-lasso-tools report"
        return parser.format_help()
    from sklearn_lasso_tools.notebook.magics import LassoMagics

    parser = getattr(LassoMagics, name).parser
    return parser.format_help()


class CommandHelp(SphinxDirective):
    required_arguments = 1

    def run(self):
        text = help_text(self.arguments[0]).rstrip()
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def setup(app):
    app.add_directive("command-help", CommandHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
