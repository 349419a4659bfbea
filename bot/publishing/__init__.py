"""Publishing: approved reports become numbered updates, sent to every channel in order."""
