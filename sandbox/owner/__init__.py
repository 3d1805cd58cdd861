"""Tools for the API owner: what a spec change breaks (`diff`), whether a server honours a spec
(`verify`), and how two contracts answer the same journey (`parity`)."""
