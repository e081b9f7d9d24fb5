"""Run a protocol on a machine: preflight, policy, approvals, the runner and its recorder."""
