"""The English stop words pcnbot drops before matching.

Shipped with the project so nothing is downloaded at run time. Interrogatives
(who, when, why, how, what, which) and negations (no, not, never) are kept on
purpose: "who can set up a PCN" and "when do PCNs go live" differ in them.
"""

STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did
    didn't do does doesn't doing don't down during each few for from further had hadn't
    has hasn't have haven't having he he'd he'll he's her here here's hers herself him
    himself his i i'd i'll i'm i've if in into is isn't it it's its itself just let's me
    more most mustn't my myself of off on once only or other ought our ours ourselves
    out over own same shan't she she'd she'll she's should shouldn't so some such than
    that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up very was wasn't we
    we'd we'll we're we've were weren't what's when's where's while who's whom why's
    with won't would wouldn't you you'd you'll you're you've your yours yourself
    yourselves pls please thanks thank hi hello hey anyone someone know tell really
    actually get got go going im ive id dont doesnt cant wont isnt arent
    """.split()  # noqa: SIM905 - a word list reads best as words
)
