"""Pages of apps.reviews."""

app_name = "reviews"
urlpatterns: list = []
