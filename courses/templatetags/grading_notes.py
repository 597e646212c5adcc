"""``{{ submission.grading_notes|grading_notes_text }}``: the grader's notes as
sentences in the reader's language (see ``courses.grading.notes``)."""

from django import template

from courses.grading.notes import grading_notes_text

register = template.Library()
register.filter("grading_notes_text", grading_notes_text)
