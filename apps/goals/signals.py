"""What happens to goals, told to the apps above (notifications) without goals importing them.

Each signal is sent inside the writer's transaction, after the write: a receiver that stores
something (a notification) commits or rolls back with the write itself, so nothing is told
about a change that did not happen, and nothing that happened goes untold.
"""

from django.dispatch import Signal

# Someone changed a goal: sent with goal=, actor= (a Person or None for the system), action= (one of
# "updated", "moved", "archived", "restored", "metric", "checkin") and changes= ({field: [old, new]}, may be empty).
goal_changed = Signal()

# A comment was posted on a goal: sent with comment= (apps.goals.models.GoalComment) and mentioned= (the people it
# @mentions, a list of Person, the author left out).
comment_posted = Signal()

# A check-in moved a metric's progress: sent with metric= (apps.goals.models.Metric, its goal loaded), before= and
# after= (its progress in [0, 1] before and after the check-in; before may be None) and actor= (who checked in).
metric_progressed = Signal()

# The rollup job recomputed these goals and every goal above them: sent with goal_ids= (a set of ids) by
# apps.goals.dirty.drain inside its transaction, after storing their figures, so that what an app above keeps from them
# (the alignment report's stored figures, apps.reports.stored) commits or rolls back with them.
goals_rolled_up = Signal()
