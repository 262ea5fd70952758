"""Pre-write checks: small classes behind one interface (``Check``), run by the pipeline."""
