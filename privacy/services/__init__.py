"""Every change the privacy pages make, one module per area (``yourdata``: a person's
copies of their data)."""
