"""Shared test configuration.

The mock fixtures (`clevertim_mock`, `crm_mock_server`, ...) come from `crm_mocks.pytest_plugin`,
registered by the installed package's pytest11 entry point, exactly as users get them.
"""
