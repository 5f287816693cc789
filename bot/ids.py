"""Block Kit action, block and callback ids shared by views and listeners."""

HELPFUL = "faq_helpful"
UNHELPFUL = "faq_unhelpful"
RELATED_PREFIX = "faq_related_"
RELATED_PATTERN = r"^faq_related_\d+$"
FEEDBACK_BLOCK = "faq_feedback"
RELATED_BLOCK = "faq_related"
