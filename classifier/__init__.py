"""Language work: the NLTK text pipeline, the FAQ matcher, the theme classifier, sentiment,
model files and the digest's quotes, phrases and question grouping.

Only this package knows about NLTK and scikit-learn; it never touches the database or
Slack. Import the module you need (``classifier.faq``, ``classifier.themes``, ...): this
package imports nothing heavy by itself, so ``pcnbot ask`` never loads scikit-learn's
estimators.
"""
