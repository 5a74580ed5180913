"""Écoute's mention classifier: one scikit-learn pipeline for French and English.

Labelling policy — every training example and every correction follows it:

- **complaint**: reports a problem or dissatisfaction with the brand. Sarcasm counts
  ("Merci @SNCF pour ces 2h de retard 👏"), and so do questions that carry a grievance
  ("why is my order still not here after 3 weeks?").
- **question**: asks for information or help, with no dissatisfaction.
- **praise**: thanks, compliments, a good experience.
- **other**: neutral or off-topic — news, ads, job posts, contests, chatter.

A mention reaches the stream because it matched a brand's keywords, so an opinion on a
product, a service, a show, a match or a public service counts as complaint or praise even
when it names no account ("the new update made the app useless"); personal moods, the weather
and politics stay *other*. Negated problem words are no problem: "no problem at all with the
return" is praise, "no problem, see you at 7" to a friend is other.

When a mention mixes intents, the label is the one a community manager must act on
first: a problem reported inside thanks is a complaint.
"""

LABELS = ("complaint", "question", "praise", "other")
