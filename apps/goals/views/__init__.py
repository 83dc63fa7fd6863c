"""Server-rendered pages. Thin: reads come from selectors, writes from services, access from permissions."""
