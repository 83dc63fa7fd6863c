from django.apps import AppConfig


class OneOnOnesConfig(AppConfig):
    name = "apps.one_on_ones"
    label = "one_on_ones"
    verbose_name = "1:1s"
