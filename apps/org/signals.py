"""What happens to the organisation, told to the apps above (reports) without org importing them.

Sent inside the writer's transaction, after the write, so that what a receiver stores commits or rolls back with it.
"""

from django.dispatch import Signal

# People or units changed (created, moved, renamed, (de)activated, led by someone else, a new cadence, an import):
# sent with sender= (Person or Unit). Figures counted per person or unit (the alignment report's) are out of date.
organisation_changed = Signal()
