from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class ModuleBlock(blocks.StructBlock):
    """One unit of a syllabus: a week, a day of a camp, a module of a degree."""

    title = blocks.CharBlock(label=_("Title"))
    hours = blocks.IntegerBlock(
        label=_("Hours"), required=False, min_value=0, help_text=_("Contact hours.")
    )
    topics = blocks.RichTextBlock(
        label=_("Topics"), features=["bold", "italic", "ol", "ul", "link"]
    )

    class Meta:
        icon = "list-ul"
        label = _("Module")
        template = "courses/blocks/module.html"


class SyllabusBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        form_classname="title",
        template="courses/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
    module = ModuleBlock()


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        form_classname="title",
        template="courses/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
