"""Retired: metrics and check-ins are part of a goal and live in apps.goals.

This app keeps only its migrations, which created the tables `metrics_metric` and
`metrics_checkin` that apps.goals.models now owns (same tables, no data moved). It stays
installed so that a database created before the move, and a new one, migrate the same way;
it can go once every installation has applied `metrics.0003_move_to_goals`.
"""
