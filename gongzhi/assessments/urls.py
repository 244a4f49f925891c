"""URLs of the assessments, mounted under /assessments/."""

app_name = "assessments"
urlpatterns: list = []
