"""Settings modules: ``base`` (the embedded default, driven by the environment),
``production`` (required secrets, hardened) and ``test`` (the suite)."""
