"""Recovery: check the ledger against the archive (``check``), rebuild a lost ledger from it (``rebuild``)."""
