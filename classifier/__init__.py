"""Language work: the NLTK text pipeline and the FAQ matcher.

Only this package knows about NLTK and scikit-learn; it never touches the
database or Slack.
"""
