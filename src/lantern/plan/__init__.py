"""The improvement plan: themes → objectives → actions (in the shared action tracker),
versions, inspection recommendations, import/export."""
