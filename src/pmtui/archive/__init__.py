"""The organisation's archive: post-mortems published into a git repository, read back, and their follow-ups
kept on the forge (GitHub through ``gh``, GitLab through ``glab``).

Nothing here is needed to run a meeting; the local data dir stays the store. ``record`` is the archive's
form of a meeting (``meeting.json``), ``config`` the archive's own rules (``.pmtui-archive.toml``), ``forge``
the one way ``gh``/``glab`` are run.
"""
