"""The privacy pages, one module per area (``yourdata``: a person's copies of their
data)."""
