from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "apps.proposals"
    label = "proposals"
    verbose_name = "Proposals"

    def ready(self) -> None:
        from apps.goals.panels import register_panel

        from .panels import proposals_panel

        # The goal page belongs to goals, which may not import us: we add our section to it.
        register_panel(proposals_panel, order=20)
