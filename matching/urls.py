"""Page URLs of the matching app."""

urlpatterns: list = []
