"""Review: the editors' decisions, and the desk that shows reports to editors as cards."""
