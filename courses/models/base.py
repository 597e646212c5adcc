class LearnerRecord:
    """Records people make in bulk (enrolments, submissions, their files).

    They reference nothing an editor needs to trace, and Wagtail's reference
    index would queue a task on every save of each: keep them out of it.
    """

    wagtail_reference_index_ignore = True
