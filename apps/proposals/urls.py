"""Pages of apps.proposals."""

app_name = "proposals"
urlpatterns: list = []
