"""Domain logic: pure Python, no Qt widgets; tested without a display."""
