"""Grading notes in the reader's language.

The grader (``courses.jupyter``) reports what happened to each notebook as data,
``{"code": ..., "notebook": ..., **params}``, stored in ``Submission.grading_notes``.
This turns each into a sentence for a learner or an instructor. A code it does not
know, or a note whose params do not fit, is told generically: never raw text.
"""

from collections.abc import Mapping
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy

MAX_PARAM_CHARS = 80  # a cell name is the instructor's; still, keep lines short

NOTE_TEXTS = {
    "cell_timeout": gettext_lazy(
        "Cell %(cell)s was stopped at the time limit of %(seconds)s seconds per cell."
    ),
    "notebook_timeout": gettext_lazy(
        "The notebook used up its time limit of %(seconds)s seconds; the cells "
        "after that were not run and their tests score 0."
    ),
    "kernel_died": gettext_lazy(
        "Cell %(cell)s: the kernel died (the code exited, crashed or was killed). "
        "The rest was not run, so an instructor grades this notebook by hand."
    ),
    "kernel_stuck": gettext_lazy(
        "Cell %(cell)s: the kernel stopped responding (it ignored the interrupt "
        "at the time limit of %(seconds)s seconds per cell). The rest was not run "
        "and its tests score 0."
    ),
    "output_truncated": gettext_lazy(
        "Output past %(bytes)s in this notebook was dropped."
    ),
    "grade_cell_changed": gettext_lazy(
        "The graded cell “%(cell)s” was changed; it was graded as released."
    ),
    "cell_changed": gettext_lazy(
        "The cell “%(cell)s” was changed; it was put back as released."
    ),
    "too_large": gettext_lazy(
        "The notebook is larger than %(bytes)s, so it was not graded "
        "automatically; an instructor grades it by hand."
    ),
    "not_a_notebook": gettext_lazy(
        "The file is not a readable notebook, so it was not graded "
        "automatically; an instructor grades it by hand."
    ),
    "too_many_cells": gettext_lazy(
        "The notebook has %(cells)s cells; at most %(max_cells)s are graded "
        "automatically, so an instructor grades it by hand."
    ),
    "broken_metadata": gettext_lazy(
        "Cell %(cell)s: its grading metadata was changed, so the notebook could "
        "not be graded automatically; an instructor grades it by hand."
    ),
    "autograde_failed": gettext_lazy(
        "The notebook could not be graded automatically; an instructor grades "
        "it by hand."
    ),
}
UNKNOWN_NOTE = gettext_lazy(
    "Grading left a note about this notebook; your instructor can see the details."
)


def grading_notes_text(notes: Any) -> list[str]:
    """Each stored grading note as a sentence in the active language."""
    if not isinstance(notes, list | tuple):
        return []
    return [_note_text(note) for note in notes]


def _note_text(note: Any) -> str:
    if not isinstance(note, Mapping):
        return str(UNKNOWN_NOTE)
    text = NOTE_TEXTS.get(note.get("code"), UNKNOWN_NOTE)
    try:
        sentence = str(text) % _params(note)
    except (KeyError, TypeError, ValueError):
        sentence = str(UNKNOWN_NOTE)
    notebook = note.get("notebook")
    if not isinstance(notebook, str) or not notebook:
        return sentence
    return f"{notebook[:MAX_PARAM_CHARS]}: {sentence}"


def _params(note: Mapping) -> dict[str, str]:
    """Only plain numbers and short names pass into a sentence."""
    params = {}
    for key, value in note.items():
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            continue
        if key == "bytes":  # a size the reader can read: "2.0 MB"
            if not isinstance(value, str):
                params[key] = filesizeformat(value)
        else:
            params[key] = str(value)[:MAX_PARAM_CHARS]
    return params
