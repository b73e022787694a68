"""Validation rules of the local tables (`lantern template TABLE`): see tables.py."""
