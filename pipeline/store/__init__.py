"""The run store: runs, their checkpoints, files, attempts, ledger, events and leases."""
