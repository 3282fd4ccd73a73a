"""Imports: workshop results from CSV or XLSX files, checked in a dry run and imported all or nothing."""
