"""Forms of the plan's pages. Each group of pages adds its forms under its own heading."""

from django import forms  # noqa: F401

# Public pages ------------------------------------------------------------------------------------------------

# Coordinators' plan workspace ---------------------------------------------------------------------------------

# Expert groups ------------------------------------------------------------------------------------------------
