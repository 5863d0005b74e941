from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        # Mentor and mentee roles for navigation (accounts.roles asks every provider).
        from accounts.roles import register_role_provider
        from mentoring.roles import participant_roles

        register_role_provider(participant_roles)
