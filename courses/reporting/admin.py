"""The admin's programme and targets."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from courses.reporting.models import TalentProgramme, TalentTarget


class TalentProgrammeViewSet(ModelViewSet):
    model = TalentProgramme
    icon = "pick"
    menu_label = _("Talent programme")
    form_fields = ["name", "total_target", "start_year", "end_year"]
    list_display = ["name", "total_target", "start_year", "end_year"]
    copy_view_enabled = False


class TalentTargetViewSet(ModelViewSet):
    model = TalentTarget
    icon = "order"
    menu_label = _("Talent targets")
    form_fields = ["programme", "track", "year", "target"]
    list_display = ["track", "year", "target", "programme"]
    list_filter = ["year", "track"]
    list_export = ["programme", "track", "year", "target"]
    copy_view_enabled = False
