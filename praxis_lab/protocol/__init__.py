"""Find and load what the user wrote: protocols, their parameters, setups, guarded blocks."""
