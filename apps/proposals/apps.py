from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "apps.proposals"
    label = "proposals"
    verbose_name = "Proposals"

    def ready(self) -> None:
        from apps.goals.demo import register_demo_extra
        from apps.goals.panels import register_panel

        from . import demo
        from .panels import proposals_panel

        # The goal page belongs to goals, which may not import us: we add our section to it.
        register_panel(proposals_panel, order=20)
        register_demo_extra(demo.seed)
