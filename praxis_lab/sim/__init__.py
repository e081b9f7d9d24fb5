"""Check a trace: the rule table per PLR method, state, replay, failures and the report."""
