"""Reads of the sessions app, shared by its views, the pair's pages and the reports."""
