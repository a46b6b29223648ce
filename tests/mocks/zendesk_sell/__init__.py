"""Zendesk Sell mock tests: a package, so that its conftest (imported as
`zendesk_sell.conftest`) does not take the name `conftest` from tests/clients/conftest.py when
both directories run in one session."""
