"""Domain signals of the mentoring app: other apps listen instead of being called.

* ``mentorships_started(sender=Mentorship, mentorships=[...])`` — sent inside the transaction
  that created them (publishing, an accepted request or offer, a pair added by an admin).
* ``mentorship_ended(sender=Mentorship, mentorship=..., actor=...)`` — sent inside the
  transaction that ended it; scheduling cancels the pair's future sessions there, so an
  ended mentorship never keeps a booked session.
"""

from __future__ import annotations

from django.dispatch import Signal

mentorships_started = Signal()
mentorship_ended = Signal()
