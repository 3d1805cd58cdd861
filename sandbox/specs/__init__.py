"""Our OpenAPI documents and the script that builds them from `src/`."""
