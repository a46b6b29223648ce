"""The part of the mocks every vendor shares: store, accounts, app assembly, recording, serving."""
