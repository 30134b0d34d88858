"""Facts derived from meetings, never stored: nothing here writes a file or imports Textual.

One meeting: :mod:`.metrics` (time to detect, timeline gaps) and :mod:`.guidance`
(the review a facilitator sees), built from :mod:`.blameless` (the word lists),
:mod:`.findings` (where blame or hindsight is phrased), :mod:`.depth` (chains that
stop too early), :mod:`.action_scores` (how actionable an item is) and
:mod:`.checklist` (the quality checklist and severity policy). Many meetings:
:mod:`.search` and :mod:`.stats` over a :class:`pmtui.library.Library`.

Import the module you need: this package imports none of them, so a screen that
wants a metric does not pay for loading the blameless word lists.
"""
