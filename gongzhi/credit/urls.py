"""URLs of the credit files, mounted under /credit/."""

app_name = "credit"
urlpatterns: list = []
