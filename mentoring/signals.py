"""Domain signals of the mentoring app: other apps listen instead of being called.

mentoring never imports matching or scheduling: when something they care about changes,
it sends a signal here and they subscribe (matching/signals.py refreshes mentor
suggestions; scheduling listens the same way). Receivers run synchronously inside the
sender's transaction, so a receiver that queues work uses ``enqueue_on_commit``.

* ``participants_changed(sender=Participant, program_id=...)`` — participants of a program
  were created or changed by a bulk write (the CSV import), which sends no ``post_save``
  (single saves are seen through ``post_save`` on Participant).
* ``mentorships_started(sender=Mentorship, mentorships=[...])`` — sent inside the transaction
  that created them (publishing, an accepted request or offer, a pair added by an admin).
* ``mentorship_ended(sender=Mentorship, mentorship=..., actor=..., notify=...)`` — sent inside the
  transaction that ended it; scheduling cancels the pair's future sessions there, so an
  ended mentorship never keeps a booked session.
* ``program_closing(sender=Program, program=..., actor=...)`` — sent inside the transaction
  that closes a program, with the program row locked and still writable, just before its
  status becomes closed; the journal app ends the mentorships, stops the sessions and
  queues the closing survey there, so every way of closing a program does all of it.
"""

from __future__ import annotations

from django.dispatch import Signal

participants_changed = Signal()
mentorships_started = Signal()
mentorship_ended = Signal()
program_closing = Signal()
