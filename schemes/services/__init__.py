"""Every change to schemes, invitations, questions and applications, one module each."""
