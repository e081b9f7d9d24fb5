"""The run store: SQLModel tables, the run and request lifecycles, audit, notes, DataFrames."""
