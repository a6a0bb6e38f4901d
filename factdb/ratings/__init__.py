"""Map fact-checkers' own rating labels ("Falso", "Pants on Fire", "Trompeur"…) to a factdb status.

``labels`` owns the vocabularies (normalisation, the built-in table, publishers' own scales);
``mapper`` applies them in the order below.

Every organisation publishes its verdicts in its own words and language, and Google's API even
returns whole sentences or truncated HTML. factdb keeps the label exactly as published and stores
next to it the normalised status and *how* that status was reached (`StatusBasis`, which the
ratings never set to `given`), so that a doubtful mapping can be found and corrected later.

Resolution order in `RatingMapper.map`, most trusted first:

1. the user's own map (``--rating-map``), whole label;
2. the publisher's own scale, when the review's publisher has one (``vocabularies/publishers/``),
   then the built-in table (the vocabulary files in ``vocabularies/``),
   whole label;
3. the verdicts a label opens with ("False. No such policy exists", "This is misleading
   because…", "правда и манипуляция"): filler such as "this is" is skipped, the longest known
   label wins at each step, and several verdicts joined by "and" or punctuation are combined by
   the compound rule (`combine_verdicts`); in a label of a few words, a word one typing slip
   from a known label counts as that label;
4. verdict words anywhere in a summary sentence that does not open with one, combined alike;
5. the numeric rating, scaled onto factdb's 1..5;
6. nothing: `Status.OTHER`, basis `UNMAPPED`.

A label found by rules 2-4 gives way to the publisher's own number when the number refines it
(both on the five-step scale, one step apart: "Partiellement faux" rated 2 of 5 is
mostly false); a number further from the label contradicts it and is ignored, because published
numbers are often wrong or category indices (FACTCK.BR has "Falso" rated 4 of 6, and
"verdadeiro" rated 6 of 5). The user's own map is never overridden.
"""
