"""What happens to the organisation, told to the apps above (reports) without org importing them.

Sent inside the writer's transaction, after the write, so that what a receiver stores commits or rolls back with it.
"""

from django.dispatch import Signal

# People or units changed (created, moved, renamed, (de)activated, led by someone else, a new cadence, an import):
# sent with sender= (Person or Unit). Figures counted per person or unit (the alignment report's) are out of date:
# with `units` (ids; None for people without a unit), only the people of those units changed and the unit tree did
# not; without it, anything may have changed.
organisation_changed = Signal()
