from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # turazo.core (below accounts) asks for the membership through this hook.
        from accounts.middleware import current_membership
        from turazo.core.tenancy import register_membership_lookup

        register_membership_lookup(current_membership)
