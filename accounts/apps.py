from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # turazo.core (below accounts) asks for the membership through this hook.
        from accounts.middleware import current_membership
        from turazo.core.tenancy import register_membership_lookup

        register_membership_lookup(current_membership)
