"""One module per file format; each knows that format's names and layout, nothing else does."""
