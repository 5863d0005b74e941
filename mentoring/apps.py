from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        # Mentor and mentee roles for navigation (accounts.roles asks every provider).
        from accounts.roles import register_role_provider
        from mentoring.roles import participant_roles

        register_role_provider(participant_roles)
