"""The institutions' admin: each institution's staff and the catalogue pages its
editors write (core holds the institution; the pages are the catalogue's)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from courses.catalogue.models import CoursePage, TrackPage
from courses.core.models import Institution
from courses.core.roles import institution_editors_sync


class CataloguePagesField(forms.ModelMultipleChoiceField):
    """Track and course pages, each named with its track and language."""

    track_titles: dict[str, str] = {}  # path → title, set by the form

    def label_from_instance(self, page: Page) -> str:
        track = self.track_titles.get(page.path[: -Page.steplen])
        title = f"{track} › {page.title}" if track else page.title
        return f"{title} ({page.locale.get_display_name()})"


class InstitutionForm(WagtailAdminModelForm):
    class Meta:
        model = Institution
        fields = ["code", "name", "name_en", "staff", "catalogue_pages"]
        field_classes = {"catalogue_pages": CataloguePagesField}
        widgets = {"catalogue_pages": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["catalogue_pages"]
        # In tree order, so each track is followed by its courses.
        field.queryset = (
            Page.objects.type(TrackPage, CoursePage)
            .select_related("locale")
            .order_by("path")
        )
        field.track_titles = dict(
            Page.objects.type(TrackPage).values_list("path", "title")
        )


class EditorsSyncMixin:
    """Staff and the catalogue page decide who writes the institution's pages."""

    def save_instance(self):
        institution = super().save_instance()
        institution_editors_sync(institution=institution)
        return institution


class InstitutionCreateView(EditorsSyncMixin, generic.CreateView):
    pass


class InstitutionEditView(EditorsSyncMixin, generic.EditView):
    pass


class InstitutionViewSet(ModelViewSet):
    model = Institution
    icon = "site"
    menu_label = _("Institutions")
    add_view_class = InstitutionCreateView
    edit_view_class = InstitutionEditView
    edit_handler = ObjectList(
        ["code", "name", "name_en", "staff", "catalogue_pages"],
        base_form_class=InstitutionForm,
    )
    list_display = ["name", "name_en", "code"]
    search_fields = ["name", "name_en", "code"]
    copy_view_enabled = False
