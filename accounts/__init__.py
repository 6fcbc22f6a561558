"""
People who work in the newsroom.

A separate app because accounts are their own domain: Django advises starting every
project with a custom user model, and it must exist before the first migration of
anything that refers to ``settings.AUTH_USER_MODEL``.
"""
