"""nbgrader's Assignments tab, showing the exchange's sentences to the learner.

Stock nbgrader (0.9.6) shows a text about a missing exchange directory for any
failure while listing, a traceback when a submission fails, and nothing when a
fetch fails. As the jupyter_server extension ``lms_exchange.tab``, this swaps in
a manager that shows the exchange's own message instead: in place of the list,
or in the "Assignment not submitted" dialog. After a failed fetch, the message
takes the list's place once; the tab's refresh button brings the list back.
"""

from nbgrader.server_extensions.assignment_list import handlers

from .exchange import last_error


def _take_error() -> str | None:
    message = getattr(last_error, "message", None)
    last_error.message = None
    return message


class LMSAssignmentList(handlers.AssignmentList):
    """nbgrader's manager of the tab, with the exchange's messages."""

    pending = None  # a failed fetch's message, shown by the next list

    def _explained(self, method, *args) -> dict:
        _take_error()
        result = method(*args)
        message = _take_error()
        if not result["success"] and message:
            result["value"] = message
        return result

    def list_assignments(self, course_id=None):
        if self.pending:
            message, self.pending = self.pending, None
            return {"success": False, "value": message}
        return self._explained(super().list_assignments, course_id)

    def submit_assignment(self, course_id, assignment_id):
        return self._explained(super().submit_assignment, course_id, assignment_id)

    def fetch_assignment(self, course_id, assignment_id):
        result = self._explained(super().fetch_assignment, course_id, assignment_id)
        self.pending = None if result["success"] else result["value"]
        return result

    def fetch_feedback(self, course_id, assignment_id):
        result = self._explained(super().fetch_feedback, course_id, assignment_id)
        self.pending = None if result["success"] else result["value"]
        return result


def _jupyter_server_extension_points():
    return [{"module": "lms_exchange.tab"}]


def _load_jupyter_server_extension(serverapp):
    # Extensions load in name order, so nbgrader's usually comes after this one
    # and builds its manager from the module's name: point that name at ours.
    handlers.AssignmentList = LMSAssignmentList
    settings = serverapp.web_app.settings
    if "assignment_list_manager" in settings:  # nbgrader's loaded first
        manager = LMSAssignmentList(parent=serverapp)
        manager.root_dir = serverapp.root_dir
        settings["assignment_list_manager"] = manager
    serverapp.log.info("lms_exchange: the Assignments tab shows the LMS's messages")
