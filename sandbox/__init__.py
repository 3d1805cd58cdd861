"""cpd-sandbox: a contract-first sandbox of the DfE Lead Provider API."""

import warnings

# Connexion imports Starlette's test client at start-up, and that module warns that its httpx backend
# is deprecated. Nothing of ours uses the test client; without this, merely importing the app would
# print the warning in every program that uses the sandbox.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
