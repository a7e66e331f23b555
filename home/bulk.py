"""Bulk writes (the demo loader): update Wagtail's search index and reference index once per saved object
at the end instead of on every save (adding and publishing a page saves it three times, each save
enqueueing both updates).

    with deferred_index_updates():
        ...  # create and publish pages

Inside the block the save handlers of modelsearch and of the reference index are disconnected (process
wide: meant for management commands) and every saved object is noted; at the end the same tasks the
handlers would have enqueued run once per object. Deletions keep their own handlers.
"""

from contextlib import contextmanager

from django.db.models.signals import post_save


@contextmanager
def deferred_index_updates():
    from modelsearch import index
    from modelsearch.signal_handlers import post_save_signal_handler
    from modelsearch.tasks import insert_or_update_object_task
    from wagtail.models import ReferenceIndex
    from wagtail.signal_handlers import update_reference_index_on_save
    from wagtail.tasks import update_reference_index_task

    searched = [m for m in index.get_indexed_models() if post_save.disconnect(post_save_signal_handler, sender=m)]
    referenced = [m for m in ReferenceIndex.tracked_models if post_save.disconnect(update_reference_index_on_save, sender=m)]
    searched_set, referenced_set = set(searched), set(referenced)
    saved = {}  # (task, app_label, model_name, pk) in order of first save

    def note(sender, instance, raw=False, **kwargs):
        if raw:
            return
        key = (instance._meta.app_label, instance._meta.model_name, str(instance.pk))
        if sender in referenced_set:
            saved.setdefault((update_reference_index_task,) + key, None)
        if sender in searched_set:
            saved.setdefault((insert_or_update_object_task,) + key, None)

    post_save.connect(note, weak=False, dispatch_uid="home_bulk_deferred_index_updates")
    try:
        yield
    finally:
        post_save.disconnect(dispatch_uid="home_bulk_deferred_index_updates")
        for model in searched:
            post_save.connect(post_save_signal_handler, sender=model)
        for model in referenced:
            post_save.connect(update_reference_index_on_save, sender=model)
    from django.core.exceptions import ObjectDoesNotExist

    for task, *args in saved:
        try:
            task.call(*args)
        except ObjectDoesNotExist:  # deleted again inside the block
            continue
