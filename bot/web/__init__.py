"""The live blog on the web: static pages and feeds rendered from the database."""
