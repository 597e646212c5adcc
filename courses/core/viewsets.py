"""Admin views limited to the objects of the cohorts a person manages."""

from django.http import Http404
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.log_actions import log
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as snippet_choosers


class ScopedIndexView(generic.IndexView):
    """Lists only what the permission policy lets this user act on."""

    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )


class ScopedObjectMixin:
    """Object views find objects only within the user's scope (404 otherwise).

    Not through ``get_queryset``: the history and usage views list log entries
    and references with it, not objects of the model.
    """

    def _scope(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )

    def get_base_object_queryset(self):  # history, usage
        return self._scope()

    def get_object(self, *args, **kwargs):  # edit, delete, inspect: by model
        obj = super().get_object(*args, **kwargs)
        if not self._scope().filter(pk=obj.pk).exists():
            raise Http404
        return obj


def scoped(view_class, **attrs):
    name = f"Scoped{view_class.__name__}"
    return type(name, (ScopedObjectMixin, view_class), attrs)


def scoped_read(view_class):
    """History and usage: for whoever may see the object, also read-only records
    (Wagtail asks for "change", which nobody has on enrolments)."""
    return scoped(
        view_class, permission_required=None, any_permission_required=["view", "change"]
    )


class ScopedViews:
    """Viewset attributes: every object view limited to the user's cohorts."""

    index_view_class = ScopedIndexView
    edit_view_class = scoped(generic.EditView)
    delete_view_class = scoped(generic.DeleteView)
    history_view_class = scoped_read(history.HistoryView)
    usage_view_class = scoped_read(usage.UsageView)
    inspect_view_class = scoped(generic.InspectView)
    copy_view_enabled = False


class ServiceSaveMixin:
    """Saves through a service, then logs the change as Wagtail's own save would,
    so the object's history and the site history show it."""

    log_action = "wagtail.edit"

    def save_with_service(self):
        raise NotImplementedError

    def save_instance(self):
        instance = self.save_with_service()
        creating = self.log_action == "wagtail.create"
        log(
            instance=instance,
            action=self.log_action,
            user=self.request.user,
            content_changed=creating or self.form.has_changed(),
        )
        return instance


class ScopedChooserMixin:
    """Chooser views offer and return only objects within the user's scope."""

    def _scope(self):
        policy = policy_registry.get_by_type(self.model_class)
        return policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )

    def get_object_list(self):  # choose, choose results
        return self._scope()

    def get_object(self, pk):  # chosen
        return self._scope().get(pk=pk)

    def get_objects(self, pks):  # chosen multiple
        return self._scope().filter(pk__in=pks)


def scoped_chooser(view_class):
    return type(f"Scoped{view_class.__name__}", (ScopedChooserMixin, view_class), {})


class ScopedChooserViewSet(snippet_choosers.SnippetChooserViewSet):
    choose_view_class = scoped_chooser(snippet_choosers.ChooseView)
    choose_results_view_class = scoped_chooser(snippet_choosers.ChooseResultsView)
    chosen_view_class = scoped_chooser(snippet_choosers.SnippetChosenView)
    chosen_multiple_view_class = scoped_chooser(
        snippet_choosers.SnippetChosenMultipleView
    )
