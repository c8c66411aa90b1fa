"""The forms of schemes, one module per area: setup, invitations, questionnaire, review."""
