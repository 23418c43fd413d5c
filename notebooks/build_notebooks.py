"""Writes each notebook notebooks/<name>.ipynb, without outputs, from its source notebooks/src/<name>.py.

The sources are plain Python in the "percent" format that VS Code, Spyder and jupytext read: a line `# %%` starts
a code cell, `# %% [markdown]` a Markdown cell whose lines are comments. Edit the source, then run
`python3 notebooks/build_notebooks.py`; `--check` only tells (exit 1) which notebooks differ from their sources.
"""

import json
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent
METADATA = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}}


def cells(source: str, stem: str) -> list:
    """The cells of a percent-format source, in order; ids are <stem>-<index> so that a rebuild changes nothing."""
    parsed = []
    for chunk in source.split("# %%")[1:]:
        header, _, body = chunk.partition("\n")
        markdown = header.strip() == "[markdown]"
        lines = body.strip("\n").split("\n")
        if markdown:
            lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
        text = "\n".join(lines)
        cell = {"cell_type": "markdown" if markdown else "code", "id": f"{stem}-{len(parsed)}", "metadata": {},
                "source": text.splitlines(keepends=True)}
        if not markdown:
            cell.update(execution_count=None, outputs=[])
        parsed.append(cell)
    return parsed


def notebook(source: Path) -> str:
    document = {"cells": cells(source.read_text(), source.stem), "metadata": METADATA, "nbformat": 4,
                "nbformat_minor": 5}
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(check: bool) -> int:
    stale = []
    for source in sorted((NOTEBOOKS / "src").glob("*.py")):
        target = NOTEBOOKS / f"{source.stem}.ipynb"
        text = notebook(source)
        if target.exists() and target.read_text() == text:
            continue
        stale.append(target.name)
        if not check:
            target.write_text(text)
    if check and stale:
        print(f"notebooks differ from their sources in notebooks/src: {', '.join(stale)};"
              " run python3 notebooks/build_notebooks.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
