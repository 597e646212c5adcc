"""The catalogue as Wagtail pages: Catalogue (site root) → Track → Course."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.catalogue.blocks import BodyBlock, SyllabusBlock
from courses.catalogue.signals import page_context_fill

ERROR_CODE_CHANGED = _("The code cannot change once the page exists.")
ERROR_CODE_TAKEN = _("Another page of this kind already uses this code.")


class CodedPage(Page):
    """A page with a stable code: set at creation, shared by its translations."""

    code = models.SlugField(
        _("code"),
        max_length=32,
        help_text=_(
            "Short stable identifier in lower-case letters, digits and hyphens, "
            "e.g. 'ml-basics'. Used in lab group names; it cannot change later."
        ),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        model = type(self)
        if self.pk:
            saved = model.objects.filter(pk=self.pk).values_list("code", flat=True)
            if saved and saved[0] != self.code:
                raise ValidationError({"code": ERROR_CODE_CHANGED})
        clash = model.objects.filter(code=self.code, locale_id=self.locale_id)
        if clash.exclude(translation_key=self.translation_key).exists():
            raise ValidationError({"code": ERROR_CODE_TAKEN})


class CataloguePage(Page):
    """The site root: the tracks of the city's talent pipeline."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Shown above the tracks on the home page."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.TrackPage", "courses.ProgressPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("catalogue")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tracks"] = list(
            TrackPage.objects.child_of(self).live().order_by("path")
        )
        return page_context_fill(self, request, context)


class TrackPage(CodedPage):
    """One of the pipeline's training tracks, e.g. the AI graduate school."""

    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences for the card.")
    )
    audience = models.TextField(
        _("who it is for"),
        max_length=600,
        help_text=_("Who should apply, and what they need to bring."),
    )
    body = StreamField(
        BodyBlock(),
        verbose_name=_("description"),
        blank=True,
        help_text=_("The track's full description."),
    )

    class CompletionPolicy(models.TextChoices):
        ALL_REQUIRED = "all_required", _("Every required course of the track")
        ANY_N = "any_n", _("A number of the track's courses")

    completion_policy = models.CharField(
        _("track completed with"),
        max_length=16,
        choices=CompletionPolicy,
        default=CompletionPolicy.ANY_N,
        help_text=_(
            "Completing the track counts the person as a trained talent of it. "
            "Read from the page in the default language."
        ),
    )
    courses_needed = models.PositiveSmallIntegerField(
        _("courses needed"),
        default=1,
        help_text=_("With 'a number of courses': how many must be passed."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("completion_policy"), FieldPanel("courses_needed")],
            heading=_("Completion"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("audience"),
    ]
    parent_page_types = ["courses.CataloguePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("track")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return page_context_fill(self, request, context)


class CoursePage(CodedPage):
    """A course of a track; people join one of its cohorts."""

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        ONSITE = "onsite", _("On site")
        HYBRID = "hybrid", _("Hybrid")

    class Language(models.TextChoices):
        KOREAN = "ko", _("Korean")
        ENGLISH = "en", _("English")
        BILINGUAL = "ko-en", _("Korean and English")

    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences for lists.")
    )
    level = models.CharField(
        _("level"),
        max_length=16,
        choices=Level,
        help_text=_("Expected starting level."),
    )
    hours = models.PositiveSmallIntegerField(
        _("hours"), help_text=_("Total contact hours.")
    )
    language = models.CharField(
        _("language of instruction"),
        max_length=8,
        choices=Language,
        default=Language.KOREAN,
        help_text=_("The language the course is taught in."),
    )
    format = models.CharField(
        _("format"), max_length=8, choices=Format, help_text=_("Where it happens.")
    )
    prerequisites = RichTextField(
        _("prerequisites"),
        blank=True,
        features=["bold", "italic", "ul", "link"],
        help_text=_("What a learner should know before joining; empty if nothing."),
    )
    syllabus = StreamField(
        SyllabusBlock(),
        verbose_name=_("syllabus"),
        blank=True,
        help_text=_("Modules, weeks or days, in order."),
    )
    required_for_track = models.BooleanField(
        _("required for the track"),
        default=True,
        help_text=_(
            "With a track completed by 'every required course', this one is needed."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("code"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("level"),
                FieldPanel("hours"),
                FieldPanel("language"),
                FieldPanel("format"),
            ],
            heading=_("Facts"),
        ),
        FieldPanel("prerequisites"),
        FieldPanel("syllabus"),
        FieldPanel("required_for_track"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("syllabus"),
        index.SearchField("prerequisites"),
        index.AutocompleteField("summary"),
        index.FilterField("level"),
        index.FilterField("format"),
        index.FilterField("language"),
        index.FilterField("locale"),
        index.FilterField("path"),
    ]
    parent_page_types = ["courses.TrackPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("course")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return page_context_fill(self, request, context)


class ProgressPage(Page):
    """The public progress of the talent pipeline: aggregate figures only
    (reporting fills them in, filtered by ?year=&track=)."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["courses.CataloguePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("pipeline progress page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return page_context_fill(self, request, context)
