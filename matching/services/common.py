"""What the matching services share: batch size and the messages for rows deleted meanwhile."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

BATCH = 2000
PROGRAM_GONE = gettext_lazy("This program was deleted meanwhile.")
RUN_GONE = gettext_lazy("This matching run was deleted meanwhile; open the program's runs again.")
PROPOSAL_GONE = gettext_lazy(
    "This pair is no longer in the run: it was forbidden (or the run was replaced) meanwhile. Reload the run."
)
