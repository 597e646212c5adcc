"""The reporting admin: the pipeline dashboard and the audit trail."""

from wagtail import hooks

from courses.reporting.admin_audit import audit_menu_item, audit_urls
from courses.reporting.dashboard import dashboard_urls, pipeline_menu_item
from courses.reporting.progress_page import progress_page_serve

hooks.register("register_admin_urls", dashboard_urls)
hooks.register("register_admin_menu_item", pipeline_menu_item)
hooks.register("before_serve_page", progress_page_serve)


# The audit trail (courses/reporting/admin_audit.py): Reports → "Audit trail".
@hooks.register("register_admin_urls")
def register_audit_urls():
    return audit_urls()


@hooks.register("register_reports_menu_item")
def register_audit_menu_item():
    return audit_menu_item()
