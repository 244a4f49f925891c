"""URLs of the warning letters, mounted under /warnings/."""

app_name = "warnings"
urlpatterns: list = []
