"""Enrollment answers the catalogue (cohorts, seats, open courses, when a cached
page expires) and follows cohorts the admin deletes without a service."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from courses.catalogue.cache import catalogue_changed
from courses.catalogue.models import CataloguePage, CoursePage, TrackPage
from courses.catalogue.signals import open_course_keys, page_context, page_expiry
from courses.core.roles import institution_editors_sync
from courses.enrollment.catalogue import (
    course_detail,
    open_course_keys_now,
    seats_open_by_track,
    track_detail,
)
from courses.enrollment.selectors import next_window_change


@receiver(page_context, sender=CataloguePage)
def _seats_on_cards(sender, page, context, **kwargs) -> None:
    seats = seats_open_by_track(context["tracks"])
    for track in context["tracks"]:
        track.seats_open = seats.get(track.translation_key, 0)


@receiver(page_context, sender=TrackPage)
def _track_cohorts(sender, page, context, **kwargs) -> None:
    context.update(track_detail(track=page))


@receiver(page_context, sender=CoursePage)
def _course_cohorts(sender, page, request, context, **kwargs) -> None:
    context.update(course_detail(course=page, user=request.user))


@receiver(page_expiry)
def _next_window_change(sender, now, **kwargs):
    return next_window_change(now)


@receiver(open_course_keys)
def _open_courses(sender, now, **kwargs):
    return open_course_keys_now(now)


@receiver(post_delete, sender="courses.Cohort")
def _cohort_deleted(sender, instance, **kwargs) -> None:
    # The admin deletes cohorts without a service: the catalogue forgets them,
    # and their instructors stop writing the institution's pages unless they
    # teach another of its cohorts.
    catalogue_changed()
    institution_editors_sync(institution=instance.institution)
