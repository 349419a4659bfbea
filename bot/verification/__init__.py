"""Verification: what editors need to weigh a report before it goes out.

- `safety`: what in a text identifies people (phone numbers, e-mail addresses, coordinates,
  plus codes, a contact's pseudonym), found before publishing;
- `similar`: reports alike (the same picture, the same file, near-identical words) and how
  many distinct contacts saw it first-hand;
- `questions`: an editor asks a report's contact, and the answer comes back to the desk;
- `evidence`: a report's chain of custody, from receipt to publication.
"""
