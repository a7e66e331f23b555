"""Page objects built from database rows without modelcluster's per-object work.

Every Wagtail page is a modelcluster ClusterableModel. Its __init__ lists the model's child relations
(walking all 50-odd fields and reverse relations of a page model) on every call, to pick child-object
lists out of the keyword arguments. Objects loaded from the database are built with positional values
only (Model.from_db), so there is nothing to pick out, and the list is thrown away: on a page view that
builds 20-30 page objects (the page, the menu, the footer's links, listings) it was about a tenth of the
server time. With no keyword arguments, the patched __init__ goes straight to the next __init__ in line,
which is exactly what modelcluster's does in that case; with keyword arguments it is modelcluster's own.
HomeConfig.ready() installs it; tests/home/test_page_speed.py checks both paths.
"""

from modelcluster.models import ClusterableModel

_modelcluster_init = ClusterableModel.__init__


def _init(self, *args, **kwargs):
    if kwargs:
        _modelcluster_init(self, *args, **kwargs)
    else:
        super(ClusterableModel, self).__init__(*args)


def install():
    if getattr(ClusterableModel.__init__, "__wrapped_by_dichtbij__", False):
        return
    _init.__wrapped_by_dichtbij__ = True
    _init.__doc__ = _modelcluster_init.__doc__
    ClusterableModel.__init__ = _init
