"""The agreements app's forms, one module per part: the agreement, goals and targets,
the pair's page (stage moves, concerns), and the coordinator's pages."""
